using System.Security.Claims;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>The outbound webhooks panel over a real SQLite store, delivering to a real receiver on 127.0.0.1.</summary>
public class OutboundWebhooksPanelTests : BunitTestContext, IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private WebhookReceiver _receiver = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, TimeProvider.System, configure: s => s.AddOutboundWebhooks());
        _receiver = await WebhookReceiver.StartAsync();
        Services.AddSingleton(_services.Get<OutboundWebhookService>());
        Services.AddSingleton(_services.Get<SettingsService>());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _receiver.DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private IRenderedComponent<OutboundWebhooksPanel> RenderPanel()
    {
        var merchant = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "merchant@example.com"), new Claim(ClaimTypes.Role, Roles.Merchant)], "test"))));
        return Render<OutboundWebhooksPanel>(p => p.AddCascadingValue(merchant));
    }

    [Fact]
    public async Task Panel_AddSubscriptionThenSendATestEvent_ShowsTheSecretOnce_AndTheDeliveryWithItsStatusCode()
    {
        var panel = RenderPanel();
        panel.WaitForAssertion(() => Assert.Contains("No subscriptions yet", panel.Find("[data-testid=outbound-empty]").TextContent));
        Assert.Contains("No deliveries yet", panel.Find("[data-testid=outbound-log-empty]").TextContent);

        panel.Find("[data-testid=outbound-add]").Click();
        panel.Find("input[data-testid=outbound-url]").Change("erp.example.com/hooks");
        panel.Find("[data-testid=outbound-save]").Click();
        panel.WaitForAssertion(() => Assert.Contains("https://", panel.Find("[data-testid=outbound-form]").TextContent));
        panel.Find("input[data-testid=outbound-url]").Change(_receiver.Url);
        panel.Find("[data-testid=outbound-save]").Click();

        panel.WaitForAssertion(() => Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", panel.Find("[data-testid=outbound-secret-value]").TextContent.Trim()));
        var secret = panel.Find("[data-testid=outbound-secret-value]").TextContent.Trim();
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(secret, (await db.WebhookSubscriptions.SingleAsync()).Secret);
        }
        var id = (await _services.Get<OutboundWebhookService>().ListAsync(TestActors.Merchant)).Single().Id;
        var row = panel.Find($"[data-testid=outbound-subscription-{id}]").TextContent;
        Assert.Contains(_receiver.Url, row);
        Assert.DoesNotContain(secret, row);
        Assert.Contains($"••••{secret[^4..]}", row);
        Assert.Contains("Active", panel.Find($"[data-testid=outbound-status-{id}]").TextContent);

        panel.Find($"[data-testid=outbound-test-{id}]").Click();
        // The secret shows once: any further action hides it.
        panel.Find("[data-testid=outbound-add]").Click();
        Assert.Empty(panel.FindAll("[data-testid=outbound-secret-value]"));
        await _services.Get<OutboundWebhookSender>().SendDueAsync();

        var got = Assert.Single(_receiver.Received);
        Assert.Equal("test", got.Event);
        panel.Find("[data-testid=outbound-refresh]").Click();
        panel.WaitForAssertion(() =>
        {
            var log = panel.Find("[data-testid=outbound-log]").TextContent;
            Assert.Contains("test", log);
            Assert.Contains(got.EventId!, log);
            Assert.Contains("Delivered · 200", log);
            Assert.StartsWith("200 ·", panel.Find($"[data-testid=outbound-last-{id}]").TextContent.Trim());
        });
        Assert.Empty(panel.FindAll("[data-testid=outbound-log-empty]"));
    }
}
