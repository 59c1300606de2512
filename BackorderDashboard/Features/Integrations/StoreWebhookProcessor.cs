using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BackorderDashboard.Features.Integrations;

/// <summary>A delivery that needs the merchant (an unknown SKU, no e-mail): it fails with this reason and waits for a replay.</summary>
public sealed class DeliveryRefusedException(string reason) : Exception(reason);

/// <summary>
/// Applies the inbox's deliveries through the same services as the pages: a new store order goes through the order
/// intake (stock first, the rest queued with promised dates, the confirmation), a cancellation or a lowered quantity
/// through the cancellation the staff use, so freed units go to the next in line. Deliveries of one store order are
/// applied in the order they arrived; a later one waits while an earlier one is pending or failed. What was applied
/// of each store order (its time, whether it was cancelled) keeps an out-of-date or repeated delivery from changing
/// anything. A passing error (the database busy) is retried with back-off; a failure that needs the merchant is
/// kept as Failed with its reason until it is replayed.
/// </summary>
public sealed class StoreWebhookProcessor(IDbContextFactory<AppDbContext> dbFactory, OrderIntakeService intake, BackorderService backorders,
    TimeProvider time, ILogger<StoreWebhookProcessor> logger)
{
    /// <summary>Tries of a delivery that keeps meeting passing errors before it is shown as failed.</summary>
    public const int MaxAttempts = 8;

    private const int Batch = 50;

    /// <summary>Applies every delivery that is due and not waiting for an earlier one; returns how many it finished.</summary>
    public async Task<int> ProcessDueAsync(CancellationToken ct = default)
    {
        var done = 0;
        var skipped = new HashSet<int>();
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            List<int> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                // A delivery waits while an earlier one of the same store order is pending or failed.
                due = await db.WebhookInbox.AsNoTracking()
                    .Where(d => d.State == DeliveryState.Received && (d.NextAttemptAt == null || d.NextAttemptAt <= now) && !skipped.Contains(d.Id))
                    .Where(d => d.StoreOrderId == null || !db.WebhookInbox.Any(e => e.Platform == d.Platform && e.StoreOrderId == d.StoreOrderId && e.Id < d.Id
                        && (e.State == DeliveryState.Received || e.State == DeliveryState.Failed)))
                    .OrderBy(d => d.Id).Select(d => d.Id).Take(Batch).ToListAsync(ct);
            }
            if (due.Count == 0)
            {
                return done;
            }
            foreach (var id in due)
            {
                if (await ProcessAsync(id, ct))
                {
                    done++;
                }
                else
                {
                    skipped.Add(id);
                }
            }
        }
        return done;
    }

    /// <summary>Applies one delivery; false when it is left to retry later (or was not pending).</summary>
    public async Task<bool> ProcessAsync(int id, CancellationToken ct = default)
    {
        try
        {
            var outcome = await ApplyAsync(id, ct);
            if (outcome is null)
            {
                return false;
            }
            await FinishAsync(id, DeliveryState.Processed, outcome.Value.Message, outcome.Value.OrderNumber, null, ct);
            return true;
        }
        catch (DeliveryRefusedException refused)
        {
            await FinishAsync(id, DeliveryState.Failed, null, null, refused.Message, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Store webhook delivery {Id} failed; it is tried again later.", id);
            // The innermost error says what went wrong ("database is locked"), not the wrapper around it.
            await RetryLaterAsync(id, e.GetBaseException().Message);
            return false;
        }
    }

    /// <summary>What the delivery did and the order it placed or changed; null when it was no longer pending.</summary>
    private async Task<(string Message, string? OrderNumber)?> ApplyAsync(int id, CancellationToken ct)
    {
        var decided = await DecideAsync(id, ct);
        if (decided is not { Existing: { } existing } change)
        {
            return decided?.Done;
        }
        // An order already taken: its changes go through the cancellation the pages use, each in its own transaction,
        // and are worked out from the order as it stands, so running them again after an error does nothing twice.
        var (order, platform, actor) = (change.Order!, change.Platform, change.Actor!);
        var applied = await ChangeAsync(existing, order, actor, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var write = await db.BeginWriteAsync(ct);
        var after = await db.StoreOrderStates.SingleOrDefaultAsync(s => s.Platform == platform && s.StoreOrderId == order.StoreOrderId, ct)
            ?? db.StoreOrderStates.Add(new StoreOrderState { Platform = platform, StoreOrderId = order.StoreOrderId }).Entity;
        after.OrderNumber = existing;
        after.Cancelled |= order.Cancelled;
        after.LastAppliedAt = order.ChangedAt is { } at && (after.LastAppliedAt is null || at > after.LastAppliedAt) ? at : after.LastAppliedAt;
        after.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await write.CommitAsync(ct);
        return (applied, existing);
    }

    private sealed record Decision((string Message, string? OrderNumber)? Done, string? Existing = null, StoreOrder? Order = null,
        StorePlatform Platform = default, Actor? Actor = null);

    /// <summary>
    /// Under the write lock: a new store order is placed (or its early cancellation recorded) and committed with what
    /// was applied; an out-of-date or repeated one is done with; a change to an order already taken is handed back,
    /// with the lock released, for <see cref="ChangeAsync"/>.
    /// </summary>
    private async Task<Decision?> DecideAsync(int id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        try
        {
            var delivery = await db.WebhookInbox.SingleOrDefaultAsync(d => d.Id == id, ct);
            if (delivery is not { State: DeliveryState.Received })
            {
                return null;
            }
            var platform = delivery.Platform;
            var actor = Actor.Webhook(StoreOrderPayload.Name(platform));
            var (order, problem) = StoreOrderPayload.Read(platform, delivery.Body, delivery.Topic);
            if (order is null)
            {
                throw new DeliveryRefusedException(problem!);
            }
            var state = await db.StoreOrderStates.SingleOrDefaultAsync(s => s.Platform == platform && s.StoreOrderId == order.StoreOrderId, ct);
            var channel = StoreOrderPayload.Channel(platform);
            var existing = state?.OrderNumber
                ?? await db.Orders.Where(o => o.Channel == channel && o.ExternalNumber == order.Name).Select(o => o.Number).FirstOrDefaultAsync(ct);
            if (state is { Cancelled: true })
            {
                return new Decision(($"{order.Name} was cancelled already: nothing changed.", existing));
            }
            if (state?.LastAppliedAt is { } last && order.ChangedAt is { } changed && changed < last)
            {
                return new Decision(($"Out of date: a later change of {order.Name} (of {last:u}) was applied already; nothing changed.", existing));
            }
            if (existing is not null)
            {
                return new Decision(null, existing, order, platform, actor);
            }
            var now = time.GetUtcNow().UtcDateTime;
            state ??= db.StoreOrderStates.Add(new StoreOrderState { Platform = platform, StoreOrderId = order.StoreOrderId }).Entity;
            state.LastAppliedAt = order.ChangedAt ?? order.PlacedAt ?? now;
            state.UpdatedAt = now;
            if (order.Cancelled)
            {
                state.Cancelled = true;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return new Decision(($"{order.Name} was cancelled in {actor.Name} before it reached the dashboard: no order placed.", null));
            }
            var number = await PlaceAsync(db, platform, order, actor, now, ct);
            state.OrderNumber = number;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new Decision(($"Placed as {number}.", number));
        }
        finally
        {
            // The write transaction is the connection's own (BEGIN IMMEDIATE): whatever was not committed ends here,
            // before any other write of this delivery needs the lock.
            if (tx.GetDbTransaction().Connection is not null)
            {
                await tx.RollbackAsync(CancellationToken.None);
            }
        }
    }

    private async Task<string> PlaceAsync(AppDbContext db, StorePlatform platform, StoreOrder order, Actor actor, DateTime now, CancellationToken ct)
    {
        var shop = actor.Name;
        if (order.Email is null)
        {
            throw new DeliveryRefusedException($"No e-mail on {shop} order {order.Name}: add the customer's e-mail address in {shop}, then replay.");
        }
        if (Limits.EmailProblem(order.Email) is { } badEmail)
        {
            throw new DeliveryRefusedException($"{shop} order {order.Name}: {badEmail} Correct it in {shop}, then replay.");
        }
        var lines = order.Lines.Where(l => l.Quantity > 0).Select(l => new IntakeLine(l.Sku, l.Quantity, l.UnitPriceCents)).ToList();
        if (lines.Count == 0)
        {
            throw new DeliveryRefusedException($"{shop} order {order.Name} has no lines with a SKU and a quantity.");
        }
        var name = order.CustomerName is { Length: > 0 } given ? given : order.Email;
        var request = new IntakeRequest(Clip(name, Limits.MaxNameLength), order.Email, order.Phone is { } phone ? Clip(phone, Limits.MaxPhoneLength) : null,
            ShipPolicy.ShipAvailable, StoreOrderPayload.Channel(platform),
            // An order queues by when it was placed in the shop, never later than now.
            order.PlacedAt is { } placed && placed < now ? placed : now, lines, order.Name);
        var result = await intake.PlaceOneInAsync(db, request, actor, ct);
        if (!result.Succeeded)
        {
            var unknown = result.LineProblems.Where(p => p.Message.StartsWith("There is no product", StringComparison.Ordinal)).Select(p => p.Sku).ToList();
            var reason = unknown.Count > 0
                ? $"Unknown SKU {string.Join(", ", unknown)}: create the product (or correct the SKU in {shop}), then replay. "
                    + string.Join(" ", result.LineProblems.Where(p => !unknown.Contains(p.Sku)).Select(p => p.Message))
                : string.Join(" ", result.Errors);
            throw new DeliveryRefusedException($"{shop} order {order.Name}: {reason.Trim()}");
        }
        return result.OrderNumber!;
    }

    /// <summary>Cancels what the shop cancelled or took off the order; refuses what it added after the order was taken.</summary>
    private async Task<string> ChangeAsync(string number, StoreOrder order, Actor actor, CancellationToken ct)
    {
        var shop = actor.Name;
        var lines = await LinesAsync(number, ct);
        var done = new List<string>();
        var reason = order.Cancelled ? $"Cancelled in {shop} (order {order.Name})" : $"Quantity lowered in {shop} (order {order.Name})";
        var wanted = order.Lines.ToDictionary(l => l.Sku, l => l.Quantity, StringComparer.Ordinal);
        var added = new List<string>();
        foreach (var group in lines.GroupBy(l => l.Sku, StringComparer.OrdinalIgnoreCase))
        {
            var ordered = group.Sum(l => l.Qty - l.Cancelled);
            var keep = order.Cancelled ? 0 : wanted.GetValueOrDefault(group.Key.ToUpperInvariant());
            var cancel = ordered - keep;
            if (cancel < 0)
            {
                added.Add($"{-cancel} more × {group.Key}");
            }
            var cancelled = 0;
            // The latest line's units first, waiting units before those set aside (the cancellation's own order).
            foreach (var line in group.Reverse())
            {
                var take = Math.Min(cancel - cancelled, line.Open);
                if (take <= 0)
                {
                    continue;
                }
                var result = await backorders.CancelAsync(line.Id, line.Version, reason, false, actor, ct, take == line.Open ? null : take);
                if (result.Refused)
                {
                    throw new DeliveryRefusedException(result.Message);
                }
                if (!result.Succeeded)
                {
                    // Changed meanwhile (shipped, received): the retry reads the line again.
                    throw new InvalidOperationException(result.Message);
                }
                cancelled += take;
            }
            if (cancelled > 0)
            {
                done.Add($"{cancelled} × {group.Key} cancelled");
            }
            if (cancel > cancelled && cancel > 0 && !order.Cancelled)
            {
                done.Add($"{cancel - cancelled} × {group.Key} had shipped already");
            }
        }
        added.AddRange(order.Lines.Where(l => l.Quantity > 0 && !lines.Any(x => string.Equals(x.Sku, l.Sku, StringComparison.OrdinalIgnoreCase)))
            .Select(l => $"{l.Quantity} × {l.Sku}"));
        var summary = done.Count > 0 ? $"{string.Join("; ", done)} on {number}." : $"No change to {number}.";
        if (added.Count > 0)
        {
            throw new DeliveryRefusedException($"{shop} order {order.Name} gained {string.Join(", ", added)} after it was taken as {number}: "
                + $"added or raised lines are not applied. Take them as a new order, or set this delivery aside. {(done.Count > 0 ? summary : "")}".TrimEnd());
        }
        return summary;
    }

    private sealed record LineNow(int Id, int Version, string Sku, int Qty, int Cancelled, int Open);

    private async Task<List<LineNow>> LinesAsync(string number, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OrderLines.AsNoTracking().Where(l => l.Order.Number == number).OrderBy(l => l.Id)
            .Select(l => new LineNow(l.Id, l.Version, l.Product.Sku, l.Qty, l.QtyCancelled, l.QtyAllocated + l.QtyUnfilled)).ToListAsync(ct);
    }

    private async Task FinishAsync(int id, DeliveryState state, string? outcome, string? orderNumber, string? error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.WebhookInbox.SingleAsync(d => d.Id == id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        delivery.State = state;
        delivery.Attempts++;
        delivery.NextAttemptAt = null;
        delivery.LastError = error is null ? null : Clip(error, WebhookInboxDelivery.ErrorMaxLength);
        delivery.Outcome = outcome is null ? null : Clip(outcome, WebhookInboxDelivery.ErrorMaxLength);
        delivery.OrderNumber = orderNumber ?? delivery.OrderNumber;
        delivery.ProcessedAt = state == DeliveryState.Processed ? now : null;
        delivery.Version++;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Counts the try and sets the next one; written even while the app stops, so the try is not lost.</summary>
    private async Task RetryLaterAsync(int id, string error)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var delivery = await db.WebhookInbox.SingleOrDefaultAsync(d => d.Id == id, CancellationToken.None);
        if (delivery is null)
        {
            return;
        }
        delivery.Attempts++;
        delivery.LastError = Clip(error, WebhookInboxDelivery.ErrorMaxLength);
        if (delivery.Attempts >= MaxAttempts)
        {
            delivery.State = DeliveryState.Failed;
            delivery.NextAttemptAt = null;
        }
        else
        {
            // 10 s, 20 s, 40 s … at most an hour.
            delivery.NextAttemptAt = time.GetUtcNow().UtcDateTime + Backoff(delivery.Attempts);
        }
        delivery.Version++;
        await db.SaveChangesAsync(CancellationToken.None);
    }

    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(2, Math.Clamp(attempts, 1, 12))));

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
