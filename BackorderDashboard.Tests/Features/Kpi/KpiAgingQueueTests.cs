using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackorderDashboard.Tests.Features.Kpi;

/// <summary>
/// The KPI aging chart and the queue page's "Waiting" filter count the same lines in every bucket, at the edges of
/// the buckets (the first and last instant of a store day) and for a waiting line without a queued-at.
/// </summary>
public class KpiAgingQueueTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private KpiService _kpi = null!;
    private BackorderService _queue = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now), configure: services =>
            services.Replace(ServiceDescriptor.Singleton(sp => new KpiCache(sp.GetRequiredService<TimeProvider>(), TimeSpan.Zero))));
        var settings = _services.Get<SettingsService>();
        _kpi = _services.Get<KpiService>();
        _queue = _services.Get<BackorderService>();

        await using var db = _db.CreateDbContext();
        db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York" });
        await db.SaveChangesAsync();
        var clock = await settings.GetClockAsync();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        db.Add(kettle);
        DateTime DayStart(int daysAgo) => clock.StartOfDayUtc(clock.Today.AddDays(-daysAgo));
        DateTime?[] queued =
        [
            Now.UtcDateTime.AddHours(-1), DayStart(7),                        // 0 and 7 days: the first bucket
            DayStart(7).AddTicks(-1), DayStart(14),                           // 8 and 14 days
            DayStart(14).AddTicks(-1), DayStart(30),                          // 15 and 30 days
            DayStart(30).AddTicks(-1), DayStart(90),                          // 31 and 90 days
            null,                                                             // waiting, never given a queued-at
        ];
        var order = TestData.Order(TestData.Customer("Amy", "amy@example.com"), "SO-1", DayStart(100));
        foreach (var (at, i) in queued.Select((at, i) => (at, i)))
        {
            order.Lines.Add(new OrderLine { Product = kettle, Qty = i + 1, QueuedAt = at, QtyBackorderedAtPlacement = i + 1 });
        }
        order.Lines.Add(new OrderLine { Product = kettle, Qty = 5, QtyShipped = 5, QueuedAt = DayStart(3) }); // not waiting
        db.Add(order);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Aging_EachBucket_CountsTheLinesAndUnitsTheQueueFilterShows()
    {
        var today = new DateOnly(2026, 11, 22);
        var report = await _kpi.GetAsync(new KpiQuery(today.AddDays(-29), today));

        var filtered = new List<(int Lines, long Units)>();
        foreach (var age in QueueAges.All)
        {
            var page = await _queue.GetQueueAsync(new QueueQuery(Age: age.Bucket, PageSize: 100));
            filtered.Add((page.Total, page.Rows.Sum(r => r.Unfilled)));
        }

        // Units are 1..9 by line: the line without a queued-at (9 units) is new, like the lines queued today and 7 days ago.
        Assert.Equal([(3, 1 + 2 + 9), (2, 3 + 4), (2, 5 + 6), (2, 7 + 8)], filtered);
        Assert.Equal(filtered, report.Aging.Select(a => (a.Lines, a.Units)));
        Assert.Equal(QueueAges.All.Select(a => a.Label), report.Aging.Select(a => a.Label));
        Assert.Equal(9, (await _queue.GetQueueAsync(new QueueQuery(PageSize: 100))).Total);
    }
}
