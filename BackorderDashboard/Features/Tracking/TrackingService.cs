using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Tracking;

/// <summary>The four stages a customer follows: ordered, waiting for stock, set aside, shipped.</summary>
public enum TrackingStage
{
    Ordered = 0,
    Backordered = 1,
    Allocated = 2,
    Shipped = 3,
}

public sealed record TrackedLine(
    int LineId, string Product, int Qty, int Shipped, int SetAside, int Waiting, int Cancelled, TrackingStage Stage, bool EverBackordered,
    string Status, DateOnly? Eta, bool Late, bool CanCancel)
{
    /// <summary>What a cancel here takes off the order: every unit not shipped (waiting, and any set aside).</summary>
    public int CancelUnits => SetAside + Waiting;
}

/// <summary>One parcel as the customer reads it: the store's day it left, the carrier and tracking number, what was in it.</summary>
public sealed record TrackedParcel(DateOnly ShippedOn, string? Carrier, string? TrackingNumber, IReadOnlyList<(string Product, int Qty)> Items);

/// <summary>The customer's order: days are the store's calendar days, as every message gives them.</summary>
public sealed record TrackedOrder(string Number, string FirstName, DateOnly PlacedOn, IReadOnlyList<TrackedLine> Lines, IReadOnlyList<TrackedParcel> Shipments);

/// <summary>
/// The customer's own view of an order, reached with the private token of its tracking link and nothing else. The
/// answer for a wrong token and for a token that could never exist is the same null, so the page cannot be used to
/// learn whether an order exists. A line whose delay message offered cancellation can be cancelled here, through
/// the same cancellation the staff use.
/// </summary>
public sealed class TrackingService(IDbContextFactory<AppDbContext> dbFactory, OrderService orders, BackorderService backorders, SettingsService settings)
{
    public async Task<TrackedOrder?> GetAsync(string? token, CancellationToken ct = default)
    {
        if (!TrackingTokens.IsWellFormed(token))
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var number = await db.Orders.Where(o => o.TrackingToken == token).Select(o => o.Number).SingleOrDefaultAsync(ct);
        if (number is null || await orders.GetAsync(number, ct) is not { } order)
        {
            return null;
        }
        var lineIds = order.Lines.Select(l => l.LineId).ToList();
        var offered = (await db.Outbox.Where(m => m.OrderId == order.Id && m.Kind == MessageKind.Delay && m.OrderLineId != null)
            .Select(m => m.OrderLineId!.Value).Distinct().ToListAsync(ct)).ToHashSet();
        var backordered = (await db.OrderLines.Where(l => lineIds.Contains(l.Id) && l.QtyBackorderedAtPlacement > 0).Select(l => l.Id).ToListAsync(ct)).ToHashSet();
        var lines = order.Lines.Select(l => new TrackedLine(
            l.LineId, l.ProductName, l.Qty, l.Shipped, l.Allocated, l.Unfilled, l.Cancelled, StageOf(l), backordered.Contains(l.LineId) || l.Unfilled > 0,
            l.Status == LineStatus.Cancelled ? "cancelled" : l.CustomerStatus(order.LastShippedOn(l), plural: l.Qty - l.Cancelled > 1),
            l.Unfilled > 0 ? l.Eta : null, l.Late, CanCancel: l.Late && offered.Contains(l.LineId))).ToList();
        var first = order.CustomerName.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? order.CustomerName;
        return new TrackedOrder(order.Number, first, order.PlacedOn, lines,
            order.Parcels.Select(p => new TrackedParcel(p.ShippedOn, p.Carrier, p.TrackingNumber, p.Items)).ToList());
    }

    /// <summary>The store's name, which the customer's page carries in its title and header whether or not the order is found.</summary>
    public async Task<string> GetStoreNameAsync(CancellationToken ct = default) => (await settings.GetAsync(ct)).StoreName;

    /// <summary>
    /// Cancels what has not shipped of a delayed line, when the token is the order's, the actor is that order's
    /// customer (<see cref="Actor.Customer"/>), the delay message offered it and the line is still late. When the page
    /// said how many units it cancels (<paramref name="units"/>), it cancels exactly that many or nothing.
    /// </summary>
    public async Task<ActionResult> CancelDelayedLineAsync(string? token, int lineId, Actor actor, CancellationToken ct = default, int? units = null)
    {
        if (Access.Refusal(actor, Operation.CancelDelayedLine) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        var order = await GetAsync(token, ct);
        var line = order?.Lines.SingleOrDefault(l => l.LineId == lineId);
        if (line is null || !line.CanCancel || !Access.ActsFor(actor, order!.Number))
        {
            return ActionResult.Fail("This item can't be cancelled here any more. Reply to our e-mail and we'll help.");
        }
        if (units is { } shown && shown != line.CancelUnits)
        {
            return ActionResult.Fail("This item changed a moment ago; please look again.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.OrderLines.Where(l => l.Id == lineId).Select(l => l.Version).SingleAsync(ct);
        var result = await backorders.CancelAsync(lineId, version, "you cancelled it on your tracking page after the delay", joinWaitlist: false, actor, ct);
        return result.Succeeded
            ? ActionResult.Ok($"{Words.Count(line.CancelUnits, "unit")} of {line.Product} cancelled. You will not be charged for {(line.CancelUnits == 1 ? "it" : "them")}; we've sent you a confirmation.")
            : ActionResult.Fail("This item changed a moment ago; please look again.");
    }

    private static TrackingStage StageOf(OrderLineView line) =>
        line.Shipped > 0 && line.Unfilled == 0 && line.Allocated == 0 ? TrackingStage.Shipped
        : line.Unfilled > 0 ? TrackingStage.Backordered
        : line.Allocated > 0 ? TrackingStage.Allocated
        : TrackingStage.Ordered;
}
