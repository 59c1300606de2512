using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Proof;

/// <summary>
/// The small store the random-work and concurrency tests start from: four products of one supplier (some in stock,
/// one with its own lead time, one capped), six customers of whom two are VIP, two open purchase orders; VIP customers
/// go first and the warehouse ships at most four units a day, so priorities and capacity both move dates. Every
/// starting unit on hand has its ledger row, so the ledger sums to the totals from the first step.
/// </summary>
public static class ProofStore
{
    /// <summary>Noon in New York on a Sunday; a run adds a minute per step, so the store's day never changes.</summary>
    public static readonly DateTimeOffset Start = TestServices.DefaultNow;

    /// <summary>The store's calendar day at <see cref="Start"/> (America/New_York).</summary>
    public static readonly DateOnly Today = new(2026, 11, 22);

    public static readonly string[] Skus = ["KET", "MUG", "PAN", "LID"];

    public const int Customers = 6;

    public static string Email(int customer) => $"customer{customer}@example.com";

    public static async Task SeedAsync(AppDbContext db)
    {
        var now = Start.UtcDateTime;
        var settings = db.MerchantSettings.SingleOrDefault();
        if (settings is null)
        {
            settings = new MerchantSettings { UpdatedAt = now };
            db.MerchantSettings.Add(settings);
        }
        settings.VipFirstInQueue = true;
        settings.DailyFulfilmentCapacity = 4;
        settings.DefaultHandlingDays = 1;

        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 6);
        var mug = TestData.Product(category, supplier, "MUG");
        mug.LeadTimeDays = 10;
        var pan = TestData.Product(category, supplier, "PAN", onHand: 3);
        pan.HandlingDays = 2;
        var lid = TestData.Product(category, supplier, "LID");
        lid.BackorderCap = 25;
        db.Products.AddRange(kettle, mug, pan, lid);
        foreach (var product in new[] { kettle, pan })
        {
            db.StockLedger.Add(new StockLedgerEntry { Product = product, OnHandDelta = product.OnHand, Reason = StockReason.Adjustment, Reference = "opening count", At = now });
        }
        for (var i = 0; i < Customers; i++)
        {
            var customer = TestData.Customer($"Customer {i}", Email(i));
            customer.Tier = i < 2 ? CustomerTier.Vip : CustomerTier.Standard;
            customer.CreatedAt = now;
            db.Customers.Add(customer);
        }
        db.PurchaseOrders.AddRange(
            Po("PO-1", supplier, now, Today.AddDays(4), (kettle, 8), (mug, 5)),
            Po("PO-2", supplier, now, Today.AddDays(11), (mug, 6), (pan, 4), (lid, 12)));
        await db.SaveChangesAsync();
    }

    private static PurchaseOrder Po(string number, Supplier supplier, DateTime now, DateOnly expected, params (Product Product, int Qty)[] lines) => new()
    {
        Number = number, Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = now.AddDays(-3), CreatedAt = now.AddDays(-3),
        ExpectedDate = expected, OriginalExpectedDate = expected,
        Lines = lines.Select(l => new PurchaseOrderLine { Product = l.Product, QtyOrdered = l.Qty, UnitCostCents = 500 }).ToList(),
    };
}
