using BackorderDashboard.Domain;
using BackorderDashboard.Features.Customers;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>A product's waitlist: who waits (linked to their page), since when, whether they were told, and remove for the order desk.</summary>
public class ProductWaitlistTableTests : BunitTestContext, IAsyncLifetime
{
    private static readonly DateTime Since = new(2026, 11, 20, 15, 0, 0, DateTimeKind.Utc);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private MerchantClock _clock = null!;

    private static readonly WaitlistRow Waiting = new("Wendy Wait", "wendy@example.com", Since, Id: 7, CustomerId: 41);
    private static readonly WaitlistRow Told = new("Toby Told", "toby@example.com", Since.AddDays(-3), Id: 8, CustomerId: 42, NotifiedAt: Since.AddDays(1));

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
        Services.AddSingleton(_services.Get<CustomerService>());
        _clock = await _services.Get<SettingsService>().GetClockAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private IRenderedComponent<ProductWaitlistTable> RenderFor(string? policy, params WaitlistRow[] rows)
    {
        var auth = AddAuthorization().SetAuthorized("pat@example.com");
        if (policy is not null)
        {
            auth.SetPolicies(policy);
        }
        return Render<ProductWaitlistTable>(p => p.Add(t => t.Waitlist, rows).Add(t => t.Clock, _clock));
    }

    [Fact]
    public void WaitlistTable_OneToldOneNot_CountsOnlyThoseStillWaitingAndSaysWhenTheOtherWasTold()
    {
        var table = RenderFor(Policies.OrderDesk, Waiting, Told);

        Assert.StartsWith("1 customer will get an e-mail", table.Find("[data-testid=waitlist-summary]").TextContent.Trim());
        var told = table.FindAll("[data-testid=waitlist-told]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["Not yet", $"Told {_clock.ShortDateTime(Told.NotifiedAt!.Value)}"], told);
        Assert.Equal(["/customers/41", "/customers/42"],
            table.FindAll("[data-testid=waitlist-row] td:first-child a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void WaitlistTable_EveryoneTold_SaysSo()
    {
        var table = RenderFor(Policies.OrderDesk, Told);

        Assert.Equal("Everyone on the waitlist has been told the product is back in stock.", table.Find("[data-testid=waitlist-summary]").TextContent.Trim());
    }

    [Theory]
    [InlineData(Policies.OrderDesk, 2)]
    [InlineData(null, 0)]
    public void WaitlistTable_RemoveButton_OnlyForTheOrderDesk(string? policy, int buttons)
    {
        var table = RenderFor(policy, Waiting, Told);

        Assert.Equal(buttons, table.FindAll("[data-testid=waitlist-remove]").Count);
    }

    [Fact]
    public void WaitlistTable_Empty_SaysNobodyWaits()
    {
        var table = RenderFor(Policies.OrderDesk);

        Assert.NotNull(table.Find("[data-testid=waitlist-empty]"));
    }
}
