using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Features.Messages;

/// <summary>
/// The outbox's filters and where the page starts: after the message <paramref name="After"/> (older ones, the next
/// page) or before <paramref name="Before"/> (newer ones, the previous page); neither is the newest page.
/// </summary>
public sealed record OutboxQuery(MessageState? State = null, MessageKind? Kind = null, string? Search = null, long? After = null, long? Before = null,
    int PageSize = 25);

public sealed record OutboxRow(
    long Id, MessageKind Kind, string? OrderNumber, string ToEmail, string Subject, DateTime CreatedAt, MessageState State,
    int Attempts, DateTime? SentAt, DateTime? NextAttemptAt, string? LastError);

/// <summary>
/// One page of messages, how many match and how many are in each state (exact up to a cap), whether there are pages
/// on either side; for a search, the message it looked back to when it stopped short of a page (null: it read them all).
/// </summary>
public sealed record OutboxListing(IReadOnlyList<OutboxRow> Rows, ListCount Matches, IReadOnlyDictionary<MessageState, ListCount> Counts,
    bool HasPrevious, bool HasNext, long? SearchedUntil = null)
{
    public int Total => Matches.Count;
}

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

    /// <summary>
    /// A search reads at most this many messages from where the page starts (newest first) and says how far back it
    /// looked: the text is in no index, so a rare one would otherwise read the whole outbox.
    /// </summary>
    public const int SearchWindow = 5_000;

    /// <summary>How many messages are in each state, for the state chips (the page shows them before the list has loaded).</summary>
    public async Task<IReadOnlyDictionary<MessageState, ListCount>> CountsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await CountsAsync(db, ct);
    }

    /// <summary>Each state counted from its index, no further than the cap, in one statement.</summary>
    private static async Task<IReadOnlyDictionary<MessageState, ListCount>> CountsAsync(AppDbContext db, CancellationToken ct)
    {
        var states = Enum.GetValues<MessageState>();
        var sql = string.Join(" UNION ALL ", states.Select(s =>
            $"SELECT {(int)s} AS State, (SELECT COUNT(*) FROM (SELECT 1 FROM Outbox WHERE State = {(int)s} LIMIT {ListCount.Cap + 1})) AS Count"));
        var counts = await db.Database.SqlQueryRaw<StateCount>(sql).ToListAsync(ct);
        return counts.ToDictionary(c => (MessageState)c.State, c => ListCount.Of(c.Count));
    }

    private sealed record StateCount(int State, int Count);

    /// <summary>
    /// A page of messages newest first (by written time, then id), read from the index that matches the filters
    /// (written; state and written; kind and written; state, kind and written) from where the page starts, so a page
    /// costs the same at the top of the outbox as far down it.
    /// </summary>
    public async Task<OutboxListing> ListAsync(OutboxQuery query, CancellationToken ct = default)
    {
        var size = Math.Clamp(query.PageSize, 1, 500);
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
        var anchor = (query.Before ?? query.After) is { } id
            ? await db.Outbox.AsNoTracking().Where(m => m.Id == id).Select(m => new { m.CreatedAt, m.Id }).SingleOrDefaultAsync(ct)
            : null;
        var backwards = query.Before is not null && anchor is not null;
        var from = messages;
        if (anchor is not null)
        {
            var (at, key) = (anchor.CreatedAt, anchor.Id);
            from = backwards
                ? messages.Where(m => m.CreatedAt >= at && (m.CreatedAt > at || m.Id > key))
                : messages.Where(m => m.CreatedAt <= at && (m.CreatedAt < at || m.Id < key));
        }
        var search = query.Search?.Trim() is { Length: > 0 } text ? text : null;
        var (rows, total, searchedUntil) = search is null
            ? (await Ordered(from, backwards).Take(size + 1).Select(Row).ToListAsync(ct), await CountAsync(messages, query, counts, ct), null)
            : await SearchAsync(from, backwards, search, size, ct);
        var more = rows.Count > size;
        rows = rows.Take(size).ToList();
        if (!backwards)
        {
            return new OutboxListing(rows, total, counts, anchor is not null, more, more ? null : searchedUntil);
        }
        if (!more)
        {
            // Back at the newest messages: the first page, whole.
            return await ListAsync(query with { After = null, Before = null }, ct);
        }
        rows.Reverse();
        return new OutboxListing(rows, total, counts, true, true);
    }

    /// <summary>The messages the filters match: the state counts already say it unless a kind is chosen.</summary>
    private static async Task<ListCount> CountAsync(IQueryable<OutboxMessage> messages, OutboxQuery query, IReadOnlyDictionary<MessageState, ListCount> counts,
        CancellationToken ct)
    {
        if (query.Kind is not null)
        {
            return ListCount.Of(await messages.Take(ListCount.Cap + 1).CountAsync(ct));
        }
        var counted = query.State is { } state ? [counts.GetValueOrDefault(state)] : counts.Values;
        return counted.Any(c => c.More) ? ListCount.Of(ListCount.Cap + 1) : ListCount.Of(counted.Sum(c => c.Count));
    }

    /// <summary>
    /// The matches among the next <see cref="SearchWindow"/> messages from the start of the page; when they fall short
    /// of a page and the window was full, the last message read, for the page to offer looking further back.
    /// </summary>
    private static async Task<(List<OutboxRow> Rows, ListCount Total, long? SearchedUntil)> SearchAsync(IQueryable<OutboxMessage> from, bool backwards,
        string text, int size, CancellationToken ct)
    {
        var pattern = CustomerSearch.Pattern(text);
        var window = Ordered(from, backwards).Take(SearchWindow)
            .Where(m => EF.Functions.Like(m.ToEmail, pattern, "\\") || EF.Functions.Like(m.Subject, pattern, "\\")
                || (m.Order != null && EF.Functions.Like(m.Order.Number, pattern, "\\")));
        var rows = await Ordered(window, backwards).Take(size + 1).Select(Row).ToListAsync(ct);
        if (rows.Count > size)
        {
            return (rows, ListCount.Of(await window.Take(ListCount.Cap + 1).CountAsync(ct)), null);
        }
        var last = await Ordered(from, backwards).Skip(SearchWindow - 1).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
        return (rows, ListCount.Of(rows.Count), last);
    }

    private static IOrderedQueryable<OutboxMessage> Ordered(IQueryable<OutboxMessage> messages, bool backwards) => backwards
        ? messages.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
        : messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id);

    private static readonly System.Linq.Expressions.Expression<Func<OutboxMessage, OutboxRow>> Row = m => new OutboxRow(m.Id, m.Kind,
        m.Order != null ? m.Order.Number : null, m.ToEmail, m.Subject, m.CreatedAt, m.State, m.Attempts, m.SentAt, m.NextAttemptAt, m.LastError);

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
