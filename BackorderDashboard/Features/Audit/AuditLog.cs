using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Audit;

/// <summary>
/// The one way anything is written to the audit log. A change that has a write transaction records its entry in it
/// (<see cref="RecordAsync(AppDbContext, AuditKind, Actor, string, string, CancellationToken)"/> on the caller's
/// context, before its commit), so the entry exists exactly when the change does; sign-ins, which change nothing of
/// the store, record theirs on a context of their own.
/// </summary>
public sealed class AuditLog(IDbContextFactory<AppDbContext> dbFactory, CallerAddress client, TimeProvider time)
{
    /// <summary>Who the log names for the customer acting through the link in their e-mails.</summary>
    public const string CustomerWho = "customer (tracking link)";

    /// <summary>Who the log names for the command line.</summary>
    public const string CommandLineWho = "command line";

    /// <summary>Adds the entry to the caller's context; it is written by the caller's next save, in its transaction.</summary>
    public AuditEntry Add(AppDbContext db, AuditKind kind, Actor actor, string subject, string summary)
    {
        var entry = Entry(kind, actor, subject, summary);
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>Writes the entry through the caller's context, inside the caller's transaction.</summary>
    public async Task RecordAsync(AppDbContext db, AuditKind kind, Actor actor, string subject, string summary, CancellationToken ct = default)
    {
        Add(db, kind, actor, subject, summary);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Writes the entry on its own (for events with no write of their own, such as sign-ins).</summary>
    public async Task RecordAsync(AuditKind kind, Actor actor, string subject, string summary, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RecordAsync(db, kind, actor, subject, summary, ct);
    }

    /// <summary>
    /// Records a change of a product's units on hand other than a receipt or a sale (a count, damage, a correction),
    /// in the caller's transaction: the figure before and after and the reason given.
    /// </summary>
    public Task RecordStockCorrectionAsync(AppDbContext db, Actor actor, string sku, int onHandBefore, int onHandAfter, string reason,
        CancellationToken ct = default) =>
        RecordAsync(db, AuditKind.StockCorrection, actor, sku,
            $"On hand {onHandBefore} → {onHandAfter} ({(onHandAfter - onHandBefore):+#;-#;0}): {reason.Trim()}", ct);

    /// <summary>"Name old → new" for each field that changed, joined by semicolons; empty when nothing changed.</summary>
    public static string Changes(params (string Name, object? Before, object? After)[] fields) =>
        string.Join("; ", fields.Where(f => !Equals(f.Before, f.After)).Select(f => $"{f.Name} {Shown(f.Before)} → {Shown(f.After)}"));

    private static string Shown(object? value) => value switch
    {
        null => "(none)",
        string { Length: 0 } => "(empty)",
        bool b => b ? "yes" : "no",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private AuditEntry Entry(AuditKind kind, Actor actor, string subject, string summary) => new()
    {
        At = time.GetUtcNow().UtcDateTime,
        Kind = kind,
        UserId = actor.UserId,
        Who = Clip(WhoOf(actor), AuditEntry.WhoMaxLength),
        WhoName = actor.Kind == ActorKind.User && actor.UserDisplayName is { } name ? Clip(name, AuditEntry.WhoMaxLength) : null,
        Address = client.Value,
        Subject = Clip(subject, AuditEntry.SubjectMaxLength),
        Summary = Clip(summary, AuditEntry.SummaryMaxLength),
    };

    /// <summary>How the log names the acting party.</summary>
    public static string WhoOf(Actor actor) => actor.Kind switch
    {
        ActorKind.User => actor.Name,
        ActorKind.Customer => CustomerWho,
        ActorKind.System when actor.Channel == ActorChannel.CommandLine => CommandLineWho,
        _ => actor.DisplayName,
    };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
