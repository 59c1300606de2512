using System.Diagnostics;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Kpi;

/// <summary>
/// The periods a KPI report may cover (<see cref="KpiLimits"/>): the service refuses any other at once and keeps
/// none in its cache; the page's and the export's address reader turns one into the default period and a message
/// naming the parameter. Today is Sunday Nov 22 2026.
/// </summary>
public class KpiLimitsTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 22);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    public static TheoryData<string, string, KpiGrouping, string> Refused => new()
    {
        { "2026-11-22", "2026-11-21", KpiGrouping.Week, "starts (22 Nov 2026) after it ends (21 Nov 2026)" },
        { "1999-12-31", "2000-01-31", KpiGrouping.Day, "before 1 Jan 2000" },
        { "1100-01-01", "2026-11-22", KpiGrouping.Month, "before 1 Jan 2000" },
        { "2026-11-01", "2027-12-01", KpiGrouping.Day, "more than a year after today" },
        { "2024-11-22", "2026-11-22", KpiGrouping.Day, "longer than 2 years, the longest shown by day" },
        { "2016-11-22", "2026-11-22", KpiGrouping.Week, "longer than 10 years, the longest shown by week" },
        { "2000-01-01", "2030-01-01", KpiGrouping.Month, "more than a year after today" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Problem_PeriodOutsideTheLimits_SaysWhy(string from, string to, KpiGrouping group, string says)
    {
        var problem = KpiLimits.Problem(new KpiQuery(DateOnly.Parse(from), DateOnly.Parse(to), group), Today);

        Assert.Contains(says, problem);
    }

    [Theory]
    [InlineData("2024-11-23", KpiGrouping.Day)]
    [InlineData("2016-11-23", KpiGrouping.Week)]
    [InlineData("2000-01-01", KpiGrouping.Month)]
    public void Problem_LongestPeriodOfAGrouping_IsAllowed(string from, KpiGrouping group)
    {
        Assert.Null(KpiLimits.Problem(new KpiQuery(DateOnly.Parse(from), Today, group), Today));
    }

    [Fact]
    public async Task GetAsync_StartInYear1100_IsRefusedAtOnce_AndNothingIsCached()
    {
        var kpi = _services.Get<KpiService>();
        var cache = _services.Get<KpiCache>();
        var watch = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => kpi.GetAsync(new KpiQuery(new(1100, 1, 1), Today, KpiGrouping.Day)));

        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
        Assert.Contains("before 1 Jan 2000", refused.Message);
        Assert.Equal(0, cache.Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => kpi.GetProductSeriesAsync("ANY", new KpiQuery(Today, Today.AddDays(-1))));
    }

    [Fact]
    public async Task GetAsync_LongestPeriodByDay_IsComputed_AndCached()
    {
        var kpi = _services.Get<KpiService>();
        var query = new KpiQuery(new(2024, 11, 23), Today, KpiGrouping.Day);

        var report = await kpi.GetAsync(query);

        Assert.Equal(730, report.Points.Count);
        Assert.Equal(1, _services.Get<KpiCache>().Count);
    }

    [Fact]
    public void Cache_ManyPeriods_KeepsAtMostMaxEntries_TheNewest()
    {
        var cache = new KpiCache(new FixedTimeProvider(TestServices.DefaultNow));
        var computedAt = TestServices.DefaultNow.UtcDateTime;

        for (var i = 0; i < KpiCache.MaxEntries * 3; i++)
        {
            var query = new KpiQuery(Today.AddDays(-i - 1), Today);
            cache.Put(query, Today, Report(query, computedAt.AddMilliseconds(i)));
        }

        Assert.Equal(KpiCache.MaxEntries, cache.Count);
        Assert.NotNull(cache.Get(new KpiQuery(Today.AddDays(-KpiCache.MaxEntries * 3), Today), Today));
        Assert.Null(cache.Get(new KpiQuery(Today.AddDays(-1), Today), Today));
    }

    public static TheoryData<string?, string?, string?, string?, string> BadAddresses => new()
    {
        { "custom", "1100-01-01", "2026-11-22", null, "from" },
        { "custom", "2026-11-22", "2026-11-01", null, "from" },
        { "custom", "2026-02-30", "2026-11-01", null, "from" },
        { "custom", "2026-01-01", "someday", null, "to" },
        { "custom", "2026-01-01", null, null, "to" },
        { "custom", "2024-01-01", "2026-11-22", "day", "from" },
        { "forever", null, null, null, "range" },
        { "90", null, null, "century", "group" },
    };

    [Theory]
    [MemberData(nameof(BadAddresses))]
    public void Parse_BadPeriodInTheAddress_ShowsTheLast90Days_WithAMessageAtTheField(string? range, string? from, string? to, string? group,
        string parameter)
    {
        var address = new QueryParameters();
        var watch = Stopwatch.StartNew();

        var query = KpiQueryText.Parse(Today, range, from, to, group, null, null, null, out var rangeUsed, address);

        Assert.True(watch.ElapsedMilliseconds < 200, $"took {watch.ElapsedMilliseconds} ms");
        Assert.Equal((Today.AddDays(-89), Today, "90"), (query.From, query.To, rangeUsed));
        Assert.Contains(parameter, address.Problems.Select(p => p.Parameter));
        Assert.Null(KpiLimits.Problem(query, Today));
    }

    [Fact]
    public void Parse_EndAfterToday_CountsToToday_AndSaysSo()
    {
        var address = new QueryParameters();

        var query = KpiQueryText.Parse(Today, "custom", "2026-11-01", "9999-12-31", "day", "abc", "-1", "fax", out var rangeUsed, address);

        Assert.Equal(new KpiQuery(new(2026, 11, 1), Today, KpiGrouping.Day), query);
        Assert.Equal("custom", rangeUsed);
        Assert.Equal(["category", "channel", "supplier", "to"], address.Problems.Select(p => p.Parameter).Order().ToArray());
    }

    [Fact]
    public void ParseProduct_BadPeriod_ShowsTheLast30Days_ByDay()
    {
        var address = new QueryParameters();

        var query = KpiQueryText.ParseProduct(Today, "90", "1100-01-01", "2026-11-22", null, null, null, null, out var rangeUsed, address);

        Assert.Equal((new KpiQuery(Today.AddDays(-29), Today, KpiGrouping.Day), "30"), (query, rangeUsed));
        Assert.Equal("from", Assert.Single(address.Problems).Parameter);
    }

    private static KpiReport Report(KpiQuery query, DateTime computedAt) =>
        new(query, KpiFigures.Empty, KpiFigures.Empty, [], [], null, 0, [], [], [], computedAt);
}
