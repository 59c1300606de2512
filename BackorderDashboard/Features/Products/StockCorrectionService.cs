using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Products;

public enum StockCorrectionMode
{
    /// <summary>The units counted replace the figure (a stocktake: "we counted 7").</summary>
    Count = 0,

    /// <summary>The units are added or taken away, with a reason ("-2 damaged").</summary>
    Change = 1,
}

public sealed class StockCorrectionInput
{
    public string Sku { get; set; } = "";
    public StockCorrectionMode Mode { get; set; }

    /// <summary>The units counted (Count), or the change, negative to take units away (Change).</summary>
    public int Quantity { get; set; }

    public StockCorrectionReason Reason { get; set; }
    public string? Note { get; set; }

    /// <summary>What the ledger row names as its cause; "stocktake" or "stock correction" when not given (an import names its file).</summary>
    public string? Reference { get; set; }
}

/// <summary>An order line that lost units to a correction, where it now waits and what its customer hears.</summary>
public sealed record TakenBackLine(int OrderLineId, string OrderNumber, string Customer, DateOnly PlacedOn, int Qty, int PlaceInQueue,
    DateOnly? NewEta, DateOnly? Promised, bool CustomerToldOfDelay);

/// <summary>
/// What one correction did (or, refused, why not: <see cref="Error"/>, and <see cref="ErrorField"/> names the input's
/// property it is about). The figures are the product's before and after; nothing changed when the count matched.
/// </summary>
public sealed record StockCorrectionOutcome(
    string Sku, bool Succeeded, bool Changed, int OnHandBefore, int OnHandAfter, int AllocatedBefore, int AllocatedAfter,
    IReadOnlyList<TakenBackLine> TakenBack, int UnitsAllocated, int LinesAllocated, int WaitlistNotified, string? Error = null, string? ErrorField = null)
{
    public int OnHandDelta => OnHandAfter - OnHandBefore;
    public int AllocatedDelta => AllocatedAfter - AllocatedBefore;

    public static StockCorrectionOutcome Refused(string sku, string error, string? field = null) => new(sku, false, false, 0, 0, 0, 0, [], 0, 0, 0, error, field);

    /// <summary>
    /// "On hand 10 → 7. 2 units taken back from SO-100123 (placed Nov 30), which rejoins the queue at place 3, now ships
    /// Dec 9 — its customer will be told of the delay." In the past tense once committed.
    /// </summary>
    public string Describe(bool committed)
    {
        if (!Succeeded)
        {
            return Error ?? "";
        }
        if (!Changed)
        {
            return $"On hand is already {OnHandBefore:N0}: nothing {(committed ? "was" : "will be")} changed.";
        }
        var parts = new List<string> { $"On hand {OnHandBefore:N0} → {OnHandAfter:N0}." };
        foreach (var line in TakenBack)
        {
            var ships = line.NewEta is { } eta ? $"now ships {MerchantClock.ShortDate(eta)}" : "with no ship date yet";
            var told = line.CustomerToldOfDelay ? $" — its customer {(committed ? "was" : "will be")} told of the delay" : "";
            parts.Add($"{Words.Count(line.Qty, "unit")} taken back from {line.OrderNumber} (placed {MerchantClock.ShortDate(line.PlacedOn)}), "
                + $"which rejoins the queue at place {line.PlaceInQueue}, {ships}{told}.");
        }
        if (UnitsAllocated > 0)
        {
            parts.Add($"{Words.Count(UnitsAllocated, "unit")} {(committed ? "went" : "go")} to {Words.Count(LinesAllocated, "waiting line")}.");
        }
        if (WaitlistNotified > 0)
        {
            parts.Add($"{Words.Count(WaitlistNotified, "waitlisted customer")} {(committed ? "were" : "will be")} told it's back.");
        }
        return string.Join(" ", parts);
    }
}

/// <summary>Corrections of several products at once: all stored, or none (then each refused row says why, by its index).</summary>
public sealed record StockCorrectionBatch(bool Succeeded, bool Committed, IReadOnlyList<StockCorrectionOutcome> Rows, string? Error = null)
{
    /// <summary>The refused rows' errors by their index in the input.</summary>
    public IReadOnlyDictionary<int, string> RowErrors => Rows.Select((r, i) => (r, i)).Where(x => x.r.Error is not null)
        .ToDictionary(x => x.i, x => x.r.Error!);
}

/// <summary>
/// Corrects a product's stock by hand: a count that replaces the figure, or a change with a reason, in one write
/// transaction with its ledger row. Fewer units than are set aside take units back from the lines allocated most
/// recently, which rejoin their queue where they were; more units go to the queue exactly as a receipt's would
/// (<see cref="QueueMaintenance.StockArrivedAsync"/>). A preview runs the same code and rolls it back.
/// </summary>
public sealed class StockCorrectionService(
    IDbContextFactory<AppDbContext> dbFactory, QueueMaintenance queue, SettingsService settings, StockNotifier notifier, TimeProvider time, AuditLog audit)
{
    /// <summary>The most rows one bulk correction takes (a stocktake sheet; whole catalogues come in by import).</summary>
    public const int MaxRows = 1_000;

    public Task<StockCorrectionOutcome> PreviewAsync(StockCorrectionInput input, Actor actor, CancellationToken ct = default) =>
        SingleAsync(input, actor, commit: false, ct);

    public Task<StockCorrectionOutcome> CorrectAsync(StockCorrectionInput input, Actor actor, CancellationToken ct = default) =>
        SingleAsync(input, actor, commit: true, ct);

    public Task<StockCorrectionBatch> PreviewManyAsync(IReadOnlyList<StockCorrectionInput> inputs, Actor actor, CancellationToken ct = default) =>
        RunAsync(inputs, actor, commit: false, ct);

    /// <summary>Every row, all or nothing, in one transaction.</summary>
    public Task<StockCorrectionBatch> CorrectManyAsync(IReadOnlyList<StockCorrectionInput> inputs, Actor actor, CancellationToken ct = default) =>
        RunAsync(inputs, actor, commit: true, ct);

    private async Task<StockCorrectionOutcome> SingleAsync(StockCorrectionInput input, Actor actor, bool commit, CancellationToken ct)
    {
        var batch = await RunAsync([input], actor, commit, ct);
        return batch.Rows.Count == 1 ? batch.Rows[0] : StockCorrectionOutcome.Refused(input.Sku, batch.Error ?? "Nothing was corrected.");
    }

    private async Task<StockCorrectionBatch> RunAsync(IReadOnlyList<StockCorrectionInput> inputs, Actor actor, bool commit, CancellationToken ct)
    {
        if (Access.Refusal(actor, Operation.CorrectStock) is { } refused)
        {
            return new StockCorrectionBatch(false, false, [], refused);
        }
        if (inputs.Count == 0)
        {
            return new StockCorrectionBatch(false, false, [], "Enter a counted quantity for at least one product.");
        }
        if (inputs.Count > MaxRows)
        {
            return new StockCorrectionBatch(false, false, [], $"At most {MaxRows:N0} products can be corrected at once; import a stock-count file for more.");
        }
        var rows = new StockCorrectionOutcome?[inputs.Count];
        var skus = inputs.Select(i => i.Sku?.Trim() ?? "").ToList();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (skus[i].Length == 0)
            {
                rows[i] = StockCorrectionOutcome.Refused("", "Enter a SKU.", nameof(StockCorrectionInput.Sku));
            }
            else if (skus[i].Length > Limits.MaxSkuLength)
            {
                rows[i] = StockCorrectionOutcome.Refused(skus[i][..Limits.MaxSkuLength] + "…",
                    $"A SKU has at most {Limits.MaxSkuLength} characters.", nameof(StockCorrectionInput.Sku));
            }
            else if (InputProblem(inputs[i]) is { } problem)
            {
                rows[i] = StockCorrectionOutcome.Refused(skus[i], problem.Message, problem.Field);
            }
            else if (skus.FindIndex(s => string.Equals(s, skus[i], StringComparison.OrdinalIgnoreCase)) is var first && first < i)
            {
                rows[i] = StockCorrectionOutcome.Refused(skus[i], $"{skus[i]} is already on row {first + 1}: enter each product once.",
                    nameof(StockCorrectionInput.Sku));
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var wanted = skus.Where(s => s.Length is > 0 and <= Limits.MaxSkuLength).Select(s => s.ToUpperInvariant()).Distinct().ToList();
        var products = (await db.Products.Where(p => wanted.Contains(p.Sku.ToUpper())).ToListAsync(ct))
            .ToDictionary(p => p.Sku, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (rows[i] is null && !products.ContainsKey(skus[i]))
            {
                rows[i] = StockCorrectionOutcome.Refused(skus[i], $"There is no product with SKU “{skus[i]}”.", nameof(StockCorrectionInput.Sku));
            }
        }
        // Every row is checked before any is applied, so a refused row names its own problem and not one its neighbours caused.
        var now = time.GetUtcNow().UtcDateTime;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (rows[i] is null)
            {
                rows[i] = await CorrectInAsync(db, products[skus[i]], inputs[i], actor, now, ct);
            }
        }
        var outcomes = rows.Select(r => r!).ToList();
        if (outcomes.Any(r => !r.Succeeded))
        {
            await tx.RollbackAsync(ct);
            var refusedRows = outcomes.Count(r => !r.Succeeded);
            return new StockCorrectionBatch(false, false, outcomes,
                inputs.Count == 1 ? outcomes[0].Error : $"{Words.Count(refusedRows, "row")} can't be saved; nothing was changed.");
        }
        if (!commit)
        {
            await tx.RollbackAsync(ct);
            return new StockCorrectionBatch(true, false, outcomes);
        }
        var changed = outcomes.Where(o => o.Changed).ToList();
        if (changed.Count > 0)
        {
            audit.Add(db, AuditKind.StockCorrection, actor, changed.Count == 1 ? changed[0].Sku : $"{changed.Count} products",
                Truncate(string.Join(" ", changed.Select(o => $"{o.Sku}: {o.OnHandBefore} → {o.OnHandAfter}"
                    + (o.TakenBack.Count > 0 ? $", {Words.Count(o.TakenBack.Sum(t => t.Qty), "unit")} taken back from {string.Join(", ", o.TakenBack.Select(t => t.OrderNumber))}" : "")
                    + "."))));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (changed.Count > 0)
        {
            await notifier.PublishAsync(changed.Select(o => products[o.Sku].Id).ToList());
        }
        return new StockCorrectionBatch(true, true, outcomes);
    }

    /// <summary>
    /// Applies one correction inside the caller's context and write transaction (the caller opens and commits it, and
    /// has checked nothing else): <paramref name="product"/> must be tracked by <paramref name="db"/>; it may be new
    /// (not yet saved), which has nothing queued. A refused correction changes nothing and says why. When nothing waits
    /// for the product and nobody is on its waitlist it costs one indexed query and no save, so an import may call it
    /// for every row of a large file; the caller saves.
    /// </summary>
    internal async Task<StockCorrectionOutcome> CorrectInAsync(AppDbContext db, Product product, StockCorrectionInput input, Actor actor, DateTime now,
        CancellationToken ct)
    {
        if (Access.Refusal(actor, Operation.CorrectStock) is { } refused)
        {
            return StockCorrectionOutcome.Refused(product.Sku, refused);
        }
        if (InputProblem(input) is { } problem)
        {
            return StockCorrectionOutcome.Refused(product.Sku, problem.Message, problem.Field);
        }
        var before = product.OnHand;
        var allocatedBefore = product.Allocated;
        var after = input.Mode == StockCorrectionMode.Count ? (long)input.Quantity : (long)before + input.Quantity;
        if (after < 0)
        {
            return StockCorrectionOutcome.Refused(product.Sku,
                $"{product.Sku} has {before:N0} on hand: taking away {-input.Quantity:N0} would leave fewer than none.", nameof(StockCorrectionInput.Quantity));
        }
        if (after > Limits.MaxOnHand)
        {
            return StockCorrectionOutcome.Refused(product.Sku,
                $"{product.Sku} can have at most {Limits.MaxOnHand:N0} units on hand (this would make {after:N0}).", nameof(StockCorrectionInput.Quantity));
        }
        if (after == before)
        {
            return new StockCorrectionOutcome(product.Sku, true, false, before, before, allocatedBefore, allocatedBefore, [], 0, 0, 0);
        }
        if (DirectionProblem(input.Reason, after > before) is { } wrongWay)
        {
            return StockCorrectionOutcome.Refused(product.Sku, wrongWay, nameof(StockCorrectionInput.Reason));
        }

        var onHand = (int)after;
        var reference = Reference(input);
        product.OnHand = onHand;
        product.Version++;
        db.StockLedger.Add(new StockLedgerEntry
        {
            Product = product, OnHandDelta = onHand - before, Reason = StockReason.Adjustment, Correction = input.Reason,
            Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(), Reference = reference,
            UserName = actor.DisplayName, Channel = actor.Channel, At = now,
        });

        // A product not saved yet has no queue, no allocation and no waitlist.
        if (product.Id == 0)
        {
            return new StockCorrectionOutcome(product.Sku, true, true, before, onHand, allocatedBefore, allocatedBefore, [], 0, 0, 0);
        }
        var productId = product.Id;
        var waits = await db.Products.AsNoTracking().Where(p => p.Id == productId)
            .Select(p => new
            {
                Queue = db.OrderLines.Any(l => l.ProductId == productId && l.QtyUnfilled > 0),
                Waitlist = db.Waitlist.Any(w => w.ProductId == productId && w.NotifiedAt == null),
            })
            .SingleAsync(ct);

        var cause = $"stock correction {before} → {onHand}";
        IReadOnlyList<TakenBackLine> takenBack = [];
        var allocations = (IReadOnlyList<Allocation>)[];
        var waitlisted = 0;
        if (onHand < product.Allocated)
        {
            takenBack = await TakeBackAsync(db, product, before, input, cause, actor, now, ct);
        }
        else if (onHand > before && waits.Queue)
        {
            var arrival = await queue.StockArrivedAsync(db, productId, cause, actor, ct);
            allocations = arrival.Allocations;
            waitlisted = arrival.WaitlistNotified;
            // A ship-complete order completed by these units also took its other products' free stock: their queues moved.
            await queue.RecomputeEtasAsync(db, allocations.Where(a => a.ProductId != productId).Select(a => a.ProductId), cause, actor, ct);
        }
        else if (onHand > before && waits.Waitlist)
        {
            waitlisted = await queue.NotifyWaitlistAsync(db, productId, actor, ct);
        }
        else if (waits.Queue)
        {
            // Fewer free units than before (none taken back): the walk may have counted on them.
            await queue.RecomputeEtasAsync(db, productId, cause, actor, ct);
        }
        var own = allocations.Where(a => a.ProductId == productId).ToList();
        return new StockCorrectionOutcome(product.Sku, true, true, before, product.OnHand, allocatedBefore, product.Allocated, takenBack,
            own.Sum(a => a.Qty), own.Select(a => a.LineId).Distinct().Count(), waitlisted);
    }

    /// <summary>
    /// Takes back what the new count no longer covers from the lines allocated most recently (the latest allocation row
    /// of each line in the ledger; a line filled from stock when it was placed has none, so its order's placing time
    /// counts), each line only as many units as still needed. A line taken back rejoins its queue where it was: its
    /// queued time and priority stay; a line that never waited gets its order's placing time and the priority it would
    /// have had then, so it sits where it would have been.
    /// </summary>
    private async Task<IReadOnlyList<TakenBackLine>> TakeBackAsync(AppDbContext db, Product product, int before, StockCorrectionInput input, string cause,
        Actor actor, DateTime now, CancellationToken ct)
    {
        var productId = product.Id;
        var holders = await db.OrderLines.AsNoTracking().Where(l => l.ProductId == productId && l.QtyAllocated > 0)
            .Select(l => new
            {
                l.Id,
                l.Order.PlacedAt,
                Last = db.StockLedger.Where(e => e.OrderLineId == l.Id && e.Reason == StockReason.Allocation && e.AllocatedDelta > 0)
                    .OrderByDescending(e => e.Id).Select(e => new { e.At, e.Id }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var newest = holders.OrderByDescending(h => h.Last?.At ?? h.PlacedAt).ThenByDescending(h => h.Last?.Id ?? 0).ThenByDescending(h => h.Id).ToList();

        var view = await settings.GetAsync(ct);
        var today = view.Clock.DayOf(now);
        var need = product.Allocated - product.OnHand;
        var taken = new List<(OrderLine Line, int Qty)>();
        foreach (var holder in newest)
        {
            if (need <= 0)
            {
                break;
            }
            var line = await db.OrderLines.Include(l => l.Order).ThenInclude(o => o.Customer).SingleAsync(l => l.Id == holder.Id, ct);
            var qty = Math.Min(need, line.QtyAllocated);
            var wasWaiting = line.QtyUnfilled > 0;
            line.QtyAllocated -= qty;
            line.Version++;
            product.Allocated -= qty;
            need -= qty;
            if (line.QueuedAt is null)
            {
                line.QueuedAt = line.Order.PlacedAt;
                line.Priority = (QueuePriority)Math.Max((int)line.Priority, (int)QueuePriorities.For(line.Order.Customer.Tier, view.VipFirstInQueue));
            }
            if (!wasWaiting)
            {
                // A line set aside in full was told it is ready to ship: for a line filled from stock at placement, which
                // was never given a date, that is a promise to ship today (the day it is taken back, the earliest it could
                // still have gone). Its last date is that promise, so the walk below finds the promise broken exactly
                // when the new date is later, and the customer hears of it.
                line.PromisedShipDate ??= today;
                line.CurrentEta = line.PromisedShipDate;
            }
            db.StockLedger.Add(new StockLedgerEntry
            {
                ProductId = productId, AllocatedDelta = -qty, Reason = StockReason.Allocation, Reference = line.Order.Number, OrderLineId = line.Id,
                UserName = actor.DisplayName, Channel = actor.Channel, At = now,
            });
            taken.Add((line, qty));
        }
        await db.SaveChangesAsync(ct);

        var changes = await queue.RecomputeEtasAsync(db, productId, cause, actor, ct);
        var told = changes.Where(c => c.BecameLate).Select(c => c.OrderLineId).ToHashSet();
        var queueIds = await db.OrderLines.AsNoTracking().Where(l => l.ProductId == productId && l.QtyUnfilled > 0).InQueueOrder().Select(l => l.Id).ToListAsync(ct);
        var result = new List<TakenBackLine>();
        foreach (var (line, qty) in taken)
        {
            var fresh = await db.OrderLines.AsNoTracking().Where(l => l.Id == line.Id).Select(l => new { l.CurrentEta, l.PromisedShipDate }).SingleAsync(ct);
            if (fresh.CurrentEta is null && !told.Contains(line.Id))
            {
                // Nothing dates the product any more (no purchase order, no lead time): the promise is broken all the same.
                db.Tell(line.Order, MessageTemplates.Delay(product.Name, line.Order.Number, line.Id, null, fresh.PromisedShipDate), actor, now);
                told.Add(line.Id);
            }
            var place = queueIds.IndexOf(line.Id) + 1;
            var eta = fresh.CurrentEta is { } d ? $"now expected to ship {MerchantClock.ShortDate(d)}" : "with no ship date for now";
            db.Record(line.OrderId, OrderEventKind.AllocationTakenBack,
                $"{Words.Count(qty, "unit")} of {product.Name} taken back: a stock correction ({Describe(input.Reason).ToLowerInvariant()}) left {product.OnHand} on hand, "
                + $"{before} before. Back in the queue at place {place}, {eta}.", actor, now, line.Id);
            result.Add(new TakenBackLine(line.Id, line.Order.Number, line.Order.Customer.Name, view.Clock.DayOf(line.Order.PlacedAt), qty, place,
                fresh.CurrentEta, fresh.PromisedShipDate, told.Contains(line.Id)));
        }
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>Why the input can't be applied to any product, and the property it is about; null when it can.</summary>
    internal static (string Message, string Field)? InputProblem(StockCorrectionInput input)
    {
        if (!Enum.IsDefined(input.Mode))
        {
            return ("Choose a counted quantity or a change.", nameof(StockCorrectionInput.Mode));
        }
        if (!Enum.IsDefined(input.Reason))
        {
            return ("Choose a reason.", nameof(StockCorrectionInput.Reason));
        }
        if (input.Mode == StockCorrectionMode.Count)
        {
            if (Limits.RangeProblem(input.Quantity, 0, Limits.MaxOnHand, "The counted quantity") is { } range)
            {
                return (range, nameof(StockCorrectionInput.Quantity));
            }
        }
        else
        {
            if (input.Quantity == 0)
            {
                return ("Enter the change: a number of units to add, or below zero to take away.", nameof(StockCorrectionInput.Quantity));
            }
            if (Limits.RangeProblem(input.Quantity, -Limits.MaxOnHand, Limits.MaxOnHand, "The change") is { } range)
            {
                return (range, nameof(StockCorrectionInput.Quantity));
            }
            if (input.Reason == StockCorrectionReason.Stocktake)
            {
                return ("A stocktake is a counted quantity: choose why the stock changed (damaged, lost, found, returned, correction).",
                    nameof(StockCorrectionInput.Reason));
            }
            if (DirectionProblem(input.Reason, input.Quantity > 0) is { } wrongWay)
            {
                return (wrongWay, nameof(StockCorrectionInput.Reason));
            }
        }
        if (Limits.LengthProblem(input.Note, Limits.MaxCorrectionNoteLength, "The note") is { } note)
        {
            return (note, nameof(StockCorrectionInput.Note));
        }
        if (Limits.LengthProblem(input.Reference, 100, "The reference") is { } reference)
        {
            return (reference, nameof(StockCorrectionInput.Reference));
        }
        return null;
    }

    /// <summary>Damaged and lost units leave the shelf; found and returned ones come back: the other way round is a slip.</summary>
    private static string? DirectionProblem(StockCorrectionReason reason, bool increase) => (reason, increase) switch
    {
        (StockCorrectionReason.Damaged or StockCorrectionReason.Lost, true) => $"{Describe(reason)} units are taken away: the change must be below zero, or choose another reason.",
        (StockCorrectionReason.Found or StockCorrectionReason.Returned, false) => $"{Describe(reason)} units are added: the change must be above zero, or choose another reason.",
        _ => null,
    };

    private static string Reference(StockCorrectionInput input) =>
        input.Reference?.Trim() is { Length: > 0 } given ? given
        : input.Mode == StockCorrectionMode.Count ? "stocktake" : "stock correction";

    /// <summary>The reason as the pages and the history say it.</summary>
    public static string Describe(StockCorrectionReason reason) => reason switch
    {
        StockCorrectionReason.Stocktake => "Stocktake",
        StockCorrectionReason.Damaged => "Damaged",
        StockCorrectionReason.Lost => "Lost",
        StockCorrectionReason.Found => "Found",
        StockCorrectionReason.Returned => "Returned",
        StockCorrectionReason.Correction => "Correction",
        _ => reason.ToString(),
    };

    private static string Truncate(string text) => text.Length <= AuditEntry.SummaryMaxLength ? text : text[..(AuditEntry.SummaryMaxLength - 1)] + "…";
}
