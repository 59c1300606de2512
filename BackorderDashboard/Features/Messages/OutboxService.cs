using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Features.Messages;

public sealed record OutboxQuery(MessageState? State = null, MessageKind? Kind = null, string? Search = null, int Page = 0, int PageSize = 25);

public sealed record OutboxRow(
    long Id, MessageKind Kind, string? OrderNumber, string ToEmail, string Subject, DateTime CreatedAt, MessageState State,
    int Attempts, DateTime? SentAt, DateTime? NextAttemptAt, string? LastError);

public sealed record OutboxListing(IReadOnlyList<OutboxRow> Rows, int Total, IReadOnlyDictionary<MessageState, int> Counts);

/// <summary>The outbox as support and admins read it: every message, its state, its error, and the e-mail as sent.</summary>
public sealed class OutboxService(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptions<MessagingOptions> messaging,
    IOptions<SmtpOptions> smtp,
    SettingsService settings,
    TimeProvider time)
{
    public bool SmtpConfigured => smtp.Value.Configured;

    public string SmtpServer => $"{smtp.Value.Host}:{smtp.Value.Port}";

    /// <summary>How many messages are in each state, for the state chips (the page shows them before the list has loaded).</summary>
    public async Task<IReadOnlyDictionary<MessageState, int>> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await CountsAsync(db, ct);
    }

    private static async Task<IReadOnlyDictionary<MessageState, int>> CountsAsync(AppDbContext db, CancellationToken ct) =>
        await db.Outbox.GroupBy(m => m.State).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

    public async Task<OutboxListing> ListAsync(OutboxQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await CountsAsync(db, ct);
        var messages = db.Outbox.AsNoTracking();
        if (query.State is { } state)
        {
            messages = messages.Where(m => m.State == state);
        }
        if (query.Kind is { } kind)
        {
            messages = messages.Where(m => m.Kind == kind);
        }
        if (query.Search?.Trim() is { Length: > 0 } text)
        {
            var pattern = $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            messages = messages.Where(m => EF.Functions.Like(m.ToEmail, pattern, "\\") || EF.Functions.Like(m.Subject, pattern, "\\")
                || (m.Order != null && EF.Functions.Like(m.Order.Number, pattern, "\\")));
        }
        var total = await messages.CountAsync(ct);
        var rows = await messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Skip(query.Page * query.PageSize).Take(query.PageSize)
            .Select(m => new OutboxRow(m.Id, m.Kind, m.Order != null ? m.Order.Number : null, m.ToEmail, m.Subject, m.CreatedAt, m.State,
                m.Attempts, m.SentAt, m.NextAttemptAt, m.LastError))
            .ToListAsync(ct);
        return new OutboxListing(rows, total, counts);
    }

    /// <summary>The e-mail exactly as the dispatcher sends it (text and HTML), or null when there is no such message.</summary>
    public async Task<(OutboxRow Row, ComposedMessage Mail)?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.Outbox.AsNoTracking().Where(m => m.Id == id)
            .Select(m => new { Message = m, Number = m.Order != null ? m.Order.Number : null, Token = m.Order != null ? m.Order.TrackingToken : null })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }
        var m = found.Message;
        var row = new OutboxRow(m.Id, m.Kind, found.Number, m.ToEmail, m.Subject, m.CreatedAt, m.State, m.Attempts, m.SentAt, m.NextAttemptAt, m.LastError);
        var storeName = (await settings.GetAsync(ct)).StoreName;
        return (row, MessageComposer.Compose(m, found.Token, messaging.Value.PublicBaseUrl, messaging.Value.Signature, storeName));
    }

    /// <summary>Puts a failed (or waiting) message back in line to go on the dispatcher's next pass, with a fresh set of tries.</summary>
    public async Task<ActionResult> RetryAsync(long id, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.RetryMessage) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Outbox.Where(m => m.Id == id && (m.State == MessageState.Failed || m.State == MessageState.Pending))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, MessageState.Pending)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, time.GetUtcNow().UtcDateTime), ct);
        return changed == 1
            ? ActionResult.Ok(SmtpConfigured ? "The message goes out on the next pass." : "Queued again; it goes out once an admin has set up e-mail sending.")
            : ActionResult.Fail("Only a failed or waiting message can be sent again; this one is being sent or has gone.");
    }

    public static string KindText(MessageKind kind) => kind switch
    {
        MessageKind.BackorderConfirmation => "Backorder confirmation",
        MessageKind.Delay => "Delay",
        MessageKind.ReadyToShip => "Being packed",
        MessageKind.Shipped => "Shipped",
        MessageKind.Cancelled => "Cancelled",
        MessageKind.Consolation => "Consolation",
        MessageKind.BackInStock => "Back in stock",
        _ => "Update",
    };

    public static string StateText(MessageState state) => state switch
    {
        MessageState.Pending => "waiting",
        MessageState.Sending => "sending",
        MessageState.Sent => "sent",
        _ => "failed",
    };
}
