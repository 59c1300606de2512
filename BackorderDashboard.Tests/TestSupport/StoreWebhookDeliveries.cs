using System.Diagnostics;
using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.Features.Integrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>What a shop does to the running app: posts signed webhook deliveries; and waiting for the app's worker to finish them.</summary>
public static class StoreWebhookDeliveries
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static Task<HttpResponseMessage> PostShopifyAsync(this AppFactory app, string topic, string body, string? eventId = null) =>
        app.PostWebhookAsync("/webhooks/shopify", body, StoreWebhookFixtures.ShopifyHeaders(topic, body, eventId));

    public static Task<HttpResponseMessage> PostWooAsync(this AppFactory app, string topic, string body) =>
        app.PostWebhookAsync("/webhooks/woocommerce", body, StoreWebhookFixtures.WooHeaders(topic, body));

    public static async Task<HttpResponseMessage> PostWebhookAsync(this AppFactory app, string path, string body, IReadOnlyDictionary<string, string> headers)
    {
        using var client = app.CreateHttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await client.SendAsync(request);
    }

    /// <summary>Every delivery of the store order, oldest first, once none is waiting any more.</summary>
    public static async Task<List<WebhookInboxDelivery>> DeliveriesDoneAsync(this AppFactory app, StorePlatform platform, string storeOrderId)
    {
        var watch = Stopwatch.StartNew();
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync();
            var rows = await db.WebhookInbox.AsNoTracking().Where(d => d.Platform == platform && d.StoreOrderId == storeOrderId).OrderBy(d => d.Id).ToListAsync();
            if (rows.Count > 0 && rows.All(d => d.State != DeliveryState.Received))
            {
                return rows;
            }
            Assert.True(watch.Elapsed < Patience, $"Deliveries of {storeOrderId} still waiting: {string.Join(", ", rows.Select(r => $"{r.Topic} {r.State} {r.LastError}"))}");
            await Task.Delay(100);
        }
    }
}
