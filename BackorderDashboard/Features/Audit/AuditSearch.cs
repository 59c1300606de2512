using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Audit;

/// <summary>A search of the audit log: part of a person's e-mail or name, one kind, store-local days from/to (inclusive).</summary>
public sealed record AuditQuery(string? Person = null, AuditKind? Kind = null, DateOnly? From = null, DateOnly? To = null, long? BeforeId = null,
    int PageSize = AuditSearch.DefaultPageSize);

public sealed record AuditRow(long Id, DateTime At, AuditKind Kind, string Who, string? WhoName, string? Address, string Subject, string Summary);

/// <summary>One page of entries, newest first; <see cref="NextBeforeId"/> continues with older ones when there are more.</summary>
public sealed record AuditResults(IReadOnlyList<AuditRow> Rows, long? NextBeforeId, IReadOnlyDictionary<string, string> Errors)
{
    public static AuditResults Refused(string field, string message) => new([], null, new Dictionary<string, string> { [field] = message });
}

/// <summary>The words the audit page shows for each kind.</summary>
public static class AuditText
{
    public static string Kind(AuditKind kind) => kind switch
    {
        AuditKind.SignIn => "Sign-in",
        AuditKind.SignInFailed => "Failed sign-in",
        AuditKind.SignInLockedOut => "Sign-in locked out",
        AuditKind.UserCreated => "User created",
        AuditKind.UserDeleted => "User deleted",
        AuditKind.RolesChanged => "Roles changed",
        AuditKind.UserDeactivated => "User deactivated",
        AuditKind.UserReactivated => "User reactivated",
        AuditKind.PasswordReset => "Password reset",
        AuditKind.UserUnlocked => "User unlocked",
        AuditKind.SettingsChanged => "Store settings changed",
        AuditKind.ProductSettingsChanged => "Product settings changed",
        AuditKind.Receipt => "Receipt",
        AuditKind.StockCorrection => "Stock correction",
        AuditKind.Cancellation => "Cancellation",
        AuditKind.ProductCreated => "Product created",
        AuditKind.ProductArchived => "Product archived",
        AuditKind.ProductRestored => "Product restored",
        AuditKind.CustomerChanged => "Customer changed",
        AuditKind.WaitlistEntryRemoved => "Removed from a waitlist",
        AuditKind.ApiKeyCreated => "API key created",
        AuditKind.ApiKeyRevoked => "API key revoked",
        AuditKind.WebhookSubscriptionCreated => "Webhook subscription added",
        AuditKind.WebhookSubscriptionChanged => "Webhook subscription changed",
        AuditKind.WebhookSubscriptionDeleted => "Webhook subscription deleted",
        AuditKind.StoreIntegrationChanged => "Store integration changed",
        _ => kind.ToString(),
    };
}

/// <summary>Reads the audit log for the admin page. Read only: the app has no way to change an entry.</summary>
public sealed class AuditSearch(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int PersonMaxLength = 256;

    public async Task<AuditResults> SearchAsync(AuditQuery query, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ReadAuditLog) is { } refused)
        {
            return AuditResults.Refused("", refused);
        }
        var errors = new Dictionary<string, string>();
        var person = query.Person?.Trim() ?? "";
        if (person.Length > PersonMaxLength)
        {
            errors[nameof(AuditQuery.Person)] = $"Search with at most {PersonMaxLength} characters.";
        }
        if (query.Kind is { } kind && !Enum.IsDefined(kind))
        {
            errors[nameof(AuditQuery.Kind)] = "Choose a kind from the list.";
        }
        if (query.From is { } from && query.To is { } to && from > to)
        {
            errors[nameof(AuditQuery.To)] = "The last day must not be before the first day.";
        }
        if (errors.Count > 0)
        {
            return new AuditResults([], null, errors);
        }
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var clock = await settings.GetClockAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        IQueryable<AuditEntry> entries = db.AuditEntries.AsNoTracking();
        if (person.Length > 0)
        {
            var pattern = "%" + person.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            entries = entries.Where(e => EF.Functions.Like(e.Who, pattern, "\\") || (e.WhoName != null && EF.Functions.Like(e.WhoName, pattern, "\\")));
        }
        if (query.Kind is { } k)
        {
            entries = entries.Where(e => e.Kind == k);
        }
        // Days before the app could have written anything, or far ahead, bound nothing (and stay clear of the calendar's ends).
        if (query.From is { } first && first.Year >= 2000)
        {
            var fromUtc = clock.StartOfDayUtc(first);
            entries = entries.Where(e => e.At >= fromUtc);
        }
        if (query.To is { } last && last.Year < 9000)
        {
            var toUtc = clock.StartOfDayUtc(last.AddDays(1));
            entries = entries.Where(e => e.At < toUtc);
        }
        if (query.BeforeId is { } before)
        {
            entries = entries.Where(e => e.Id < before);
        }
        var rows = await entries.OrderByDescending(e => e.Id).Take(size + 1)
            .Select(e => new AuditRow(e.Id, e.At, e.Kind, e.Who, e.WhoName, e.Address, e.Subject, e.Summary))
            .ToListAsync(ct);
        var more = rows.Count > size;
        if (more)
        {
            rows.RemoveAt(size);
        }
        return new AuditResults(rows, more ? rows[^1].Id : null, errors);
    }
}

/// <summary>What the audit page's filters hold.</summary>
public sealed record AuditFilter(string? Person, AuditKind? Kind, DateOnly? From, DateOnly? To);
