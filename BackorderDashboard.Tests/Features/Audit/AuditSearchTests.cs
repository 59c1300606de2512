using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Audit;

/// <summary>The admin page's search: by person, kind and store-local days, newest first, a page at a time; admins only.</summary>
public class AuditSearchTests : IAsyncLifetime
{
    // 03:00 UTC on Nov 22 is still Nov 21 in the store's time zone (New York); 17:00 UTC is Nov 22 there.
    private static readonly DateTimeOffset LateEvening = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Afternoon = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly Actor Ada = Actor.User("ada@example.com", [Roles.Admin], displayName: "Ada Lovelace");
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private FixedTimeProvider _time = null!;
    private AuditSearch _search = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _time = new FixedTimeProvider(LateEvening);
        _services = TestServices.Create(_db, _time);
        _search = _services.Get<AuditSearch>();
        var audit = _services.Get<AuditLog>();
        await audit.RecordAsync(AuditKind.SignIn, Ada, "ada@example.com", "Signed in with the password.");
        await audit.RecordAsync(AuditKind.Receipt, TestActors.Merchant, "PO-1", "3 units received: KET × 3.");
        _time.Now = Afternoon;
        await audit.RecordAsync(AuditKind.SettingsChanged, Ada, "store settings", "Handling days 1 → 3");
        await audit.RecordAsync(AuditKind.Cancellation, Actor.Customer("SO-1"), "SO-1", "1 unit of KET cancelled by the customer");
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<string[]> SubjectsAsync(AuditQuery query)
    {
        var page = await _search.SearchAsync(query, TestActors.Admin);
        Assert.Empty(page.Errors);
        return page.Rows.Select(r => r.Subject).ToArray();
    }

    [Fact]
    public async Task NoFilter_NewestFirst() =>
        Assert.Equal(["SO-1", "store settings", "PO-1", "ada@example.com"], await SubjectsAsync(new AuditQuery()));

    [Theory]
    [InlineData("ADA@exa", new[] { "store settings", "ada@example.com" })]
    [InlineData("lovelace", new[] { "store settings", "ada@example.com" })]
    [InlineData("merchant", new[] { "PO-1" })]
    [InlineData("tracking link", new[] { "SO-1" })]
    [InlineData("%", new string[0])]
    public async Task Person_PartOfEmailOrName_AnyCase(string person, string[] expected) =>
        Assert.Equal(expected, await SubjectsAsync(new AuditQuery(Person: person)));

    [Fact]
    public async Task Kind_OnlyThatKind() =>
        Assert.Equal(["store settings"], await SubjectsAsync(new AuditQuery(Kind: AuditKind.SettingsChanged)));

    [Fact]
    public async Task DateRange_IsInTheStoresCalendarDays()
    {
        var nov21 = new DateOnly(2026, 11, 21);
        var nov22 = new DateOnly(2026, 11, 22);

        Assert.Equal(["PO-1", "ada@example.com"], await SubjectsAsync(new AuditQuery(From: nov21, To: nov21)));
        Assert.Equal(["SO-1", "store settings"], await SubjectsAsync(new AuditQuery(From: nov22)));
        Assert.Equal(["PO-1", "ada@example.com"], await SubjectsAsync(new AuditQuery(To: nov21)));
        Assert.Equal(4, (await SubjectsAsync(new AuditQuery(From: new DateOnly(1, 1, 1), To: new DateOnly(9999, 12, 31)))).Length);
    }

    [Fact]
    public async Task Paging_ContinuesWithOlderEntries_UntilThereAreNoMore()
    {
        var first = await _search.SearchAsync(new AuditQuery(PageSize: 3), TestActors.Admin);
        var second = await _search.SearchAsync(new AuditQuery(BeforeId: first.NextBeforeId, PageSize: 3), TestActors.Admin);

        Assert.Equal(["SO-1", "store settings", "PO-1"], first.Rows.Select(r => r.Subject));
        Assert.NotNull(first.NextBeforeId);
        Assert.Equal(["ada@example.com"], second.Rows.Select(r => r.Subject));
        Assert.Null(second.NextBeforeId);
    }

    [Fact]
    public async Task LastDayBeforeFirst_IsAnErrorAtTheField()
    {
        var page = await _search.SearchAsync(new AuditQuery(From: new DateOnly(2026, 11, 22), To: new DateOnly(2026, 11, 21)), TestActors.Admin);

        Assert.Empty(page.Rows);
        Assert.Contains("not be before", page.Errors[nameof(AuditQuery.To)]);
    }

    [Theory]
    [InlineData(Roles.Merchant)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.CustomerService)]
    public async Task NonAdmin_IsRefusedAndSeesNothing(string role)
    {
        var page = await _search.SearchAsync(new AuditQuery(), TestActors.ForRole(role));

        Assert.Empty(page.Rows);
        Assert.Contains("can't read the audit log", page.Errors[""]);
    }
}
