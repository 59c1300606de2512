using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Integrations;

/// <summary>Subscriptions as the Integrations page manages them: who may, which addresses, the secret, the audit log.</summary>
public class OutboundWebhookServiceTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private OutboundWebhookService _webhooks = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, configure: s => s.AddOutboundWebhooks());
        _webhooks = _services.Get<OutboundWebhookService>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static WebhookSubscriptionInput Input(string? url = "https://erp.example.com/hooks", string? secret = null) =>
        new(url, [WebhookEvents.LineAllocated, WebhookEvents.OrderShipped], secret);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("erp.example.com/hooks")]
    [InlineData("/hooks")]
    [InlineData("ftp://erp.example.com/hooks")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    public async Task Create_NotAnAbsoluteHttpAddress_IsRefusedAtTheUrlField(string url)
    {
        var saved = await _webhooks.CreateAsync(Input(url), TestActors.Merchant);

        Assert.False(saved.Succeeded);
        Assert.Contains("https://", saved.Errors["Url"]);
        await using var db = _db.CreateDbContext();
        Assert.False(await db.WebhookSubscriptions.AnyAsync());
    }

    [Theory]
    [InlineData(Roles.CustomerService)]
    [InlineData(Roles.Manager)]
    public async Task EveryChange_ByARoleWithoutTheRight_IsRefused(string role)
    {
        var actor = TestActors.ForRole(role);
        var id = (await _webhooks.CreateAsync(Input(), TestActors.Merchant)).Id;

        var created = await _webhooks.CreateAsync(Input(), actor);

        Assert.Equal(Access.Refusal(actor, Operation.ManageWebhookSubscriptions), created.Errors[""]);
        Assert.NotNull(await _webhooks.SetActiveAsync(id, false, actor));
        Assert.NotNull(await _webhooks.DeleteAsync(id, actor));
        Assert.NotNull(await _webhooks.SendTestAsync(id, actor));
        Assert.False((await _webhooks.UpdateAsync(id, Input("https://evil.example.com/"), actor)).Succeeded);
        Assert.Empty(await _webhooks.ListAsync(actor));
        await using var db = _db.CreateDbContext();
        var row = await db.WebhookSubscriptions.SingleAsync();
        Assert.Equal(("https://erp.example.com/hooks", true), (row.Url, row.Active));
        Assert.False(await db.WebhookDeliveries.AnyAsync());
    }

    [Fact]
    public async Task Create_WithoutASecret_MakesAStrongOne_ShownOnceThenMasked_AndNeverInTheAuditLog()
    {
        var saved = await _webhooks.CreateAsync(Input(), TestActors.Admin);

        Assert.True(saved.Succeeded);
        Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", saved.Secret);
        var row = Assert.Single(await _webhooks.ListAsync(TestActors.Admin));
        Assert.Equal($"whsec_••••{saved.Secret![^4..]}", row.MaskedSecret);
        Assert.DoesNotContain(saved.Secret, row.MaskedSecret);
        Assert.Equal([WebhookEvents.LineAllocated, WebhookEvents.OrderShipped], row.Events);
        Assert.NotEqual(saved.Secret, (await _webhooks.CreateAsync(Input(), TestActors.Admin)).Secret);
        await using var db = _db.CreateDbContext();
        var audit = await db.AuditEntries.Where(a => a.Kind == AuditKind.WebhookSubscriptionCreated).ToListAsync();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.DoesNotContain("whsec_", a.Summary));
        Assert.Contains("https://erp.example.com/hooks", audit[0].Summary);
    }

    [Fact]
    public async Task Create_PastedSecret_IsKept_ATooShortOneRefused()
    {
        var tooShort = await _webhooks.CreateAsync(Input(secret: "short"), TestActors.Merchant);
        var pasted = await _webhooks.CreateAsync(Input(secret: "  my-own-secret-from-the-erp  "), TestActors.Merchant);

        Assert.Contains("at least 16", tooShort.Errors["Secret"]);
        Assert.Equal("my-own-secret-from-the-erp", pasted.Secret);
        await using var db = _db.CreateDbContext();
        Assert.Equal("my-own-secret-from-the-erp", (await db.WebhookSubscriptions.SingleAsync()).Secret);
    }

    [Fact]
    public async Task Update_PauseAndDelete_AreAudited_AndDeleteTakesItsDeliveries()
    {
        var id = (await _webhooks.CreateAsync(Input(), TestActors.Merchant)).Id;
        await _webhooks.SendTestAsync(id, TestActors.Merchant);

        var updated = await _webhooks.UpdateAsync(id, new WebhookSubscriptionInput("https://erp.example.com/v2/hooks", [WebhookEvents.AvailabilityChanged]), TestActors.Merchant);
        Assert.Null(await _webhooks.SetActiveAsync(id, false, TestActors.Merchant));
        Assert.False(Assert.Single(await _webhooks.ListAsync(TestActors.Merchant)).Active);
        Assert.Null(await _webhooks.DeleteAsync(id, TestActors.Merchant));

        Assert.True(updated.Succeeded);
        Assert.Null(updated.Secret);
        await using var db = _db.CreateDbContext();
        Assert.False(await db.WebhookSubscriptions.AnyAsync());
        Assert.False(await db.WebhookDeliveries.AnyAsync());
        var audit = await db.AuditEntries.OrderBy(a => a.Id).Select(a => new { a.Kind, a.Summary }).ToListAsync();
        Assert.Equal([AuditKind.WebhookSubscriptionCreated, AuditKind.WebhookSubscriptionChanged, AuditKind.WebhookSubscriptionChanged, AuditKind.WebhookSubscriptionDeleted],
            audit.Select(a => a.Kind));
        Assert.Contains("URL https://erp.example.com/hooks → https://erp.example.com/v2/hooks", audit[1].Summary);
        Assert.Contains("paused", audit[2].Summary);
        Assert.Contains("1 delivery not yet delivered", audit[3].Summary);
    }
}
