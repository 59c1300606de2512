using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Backorders;

public sealed record QueueQuery(
    string? Product = null,
    int? CategoryId = null,
    int? SupplierId = null,
    bool LateOnly = false,
    AgeBucket Age = AgeBucket.Any,
    CustomerTier? Tier = null,
    bool AuthorizationExpiresBeforeEta = false,
    ShipPolicy? ShipPolicy = null,
    int Page = 0,
    int PageSize = 50,
    int? After = null,
    int? Before = null);

public sealed record QueueRow(
    int LineId, int Version, string Sku, string ProductName, string OrderNumber, string Customer, CustomerTier Tier,
    int Unfilled, int Position, int UnitsAhead, DateOnly? Promised, DateOnly? Eta, bool Late, int DaysWaiting,
    ShipPolicy ShipPolicy, bool AuthorizationExpiresBeforeEta, bool Expedited, int CustomerId = 0, DateTime? QueuedAt = null);

/// <summary>
/// A page of the queue. <see cref="Total"/> counts the matching lines up to <see cref="BackorderService.TotalCap"/>;
/// <see cref="TotalIsMore"/> says there are more than that (counting them all would cost more than the page).
/// <see cref="HasBefore"/> and <see cref="HasAfter"/> say whether lines come before the first row and after the last.
/// </summary>
public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, int Total, bool TotalIsMore = false, bool HasBefore = false, bool HasAfter = false);
