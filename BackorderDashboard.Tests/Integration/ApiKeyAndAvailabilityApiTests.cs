using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Api;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// A storefront calling <c>/api/v1</c> on the real server with keys made as an admin makes them: who gets in, and the
/// availability the shop shows, which must be the products page's own badge.
/// </summary>
[Collection(ApiAppCollection.Name)]
public class ApiKeyAndAvailabilityApiTests(AppFactory app)
{
    private async Task<(int Id, string Key)> KeyAsync(params string[] scopes)
    {
        using var scope = app.Services.CreateScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync($"Test {Guid.NewGuid():N}", scopes, Actor.System);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Values));
        return (created.Id, created.Key);
    }

    private HttpClient Client(string? key)
    {
        var client = app.CreateHttpClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Theory]
    [InlineData("/api/v1/availability?sku=A")]
    [InlineData("/api/v1/products")]
    public async Task NoKeyOrAnUnknownKey_401ProblemAskingForABearerKey(string path)
    {
        var none = await Client(null).GetAsync(path);
        var problem = await ProblemAsync(none, HttpStatusCode.Unauthorized);
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString());
        Assert.Contains("Bearer", none.Headers.WwwAuthenticate.ToString());

        var unknown = await Client(ApiKeyService.KeyPrefix + "not-a-key-anyone-was-given").GetAsync(path);
        await ProblemAsync(unknown, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeyWithoutTheScope_403NamingTheScope_AndWithIt200()
    {
        var (_, ordersOnly) = await KeyAsync(Access.Scopes.OrdersRead, Access.Scopes.OrdersWrite);
        var (_, reader) = await KeyAsync(Access.Scopes.AvailabilityRead);

        var refused = await Client(ordersOnly).GetAsync("/api/v1/availability?sku=A");
        var problem = await ProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Contains("availability:read", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client(reader).GetAsync("/api/v1/availability?sku=A")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(reader).GetAsync("/api/v1/products")).StatusCode);
    }

    [Fact]
    public async Task RevokedKey_RefusedFromTheNextRequest_AndTheUseAndRevocationAreRecorded()
    {
        var (id, key) = await KeyAsync(Access.Scopes.AvailabilityRead);
        var client = Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/availability?sku=A")).StatusCode);

        using (var scope = app.Services.CreateScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(id, TestActors.Admin));
        }

        await ProblemAsync(await client.GetAsync("/api/v1/availability?sku=A"), HttpStatusCode.Unauthorized);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var row = await db.ApiKeys.SingleAsync(k => k.Id == id);
        Assert.NotNull(row.LastUsedAt);
        Assert.NotNull(row.RevokedAt);
        Assert.Equal(ApiKeyService.HashOf(key), row.Hash);
        Assert.False(await db.ApiKeys.AnyAsync(k => k.Hash == key || k.Prefix == key));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Kind == AuditKind.ApiKeyRevoked && a.Subject == row.Name));
    }

    [Fact]
    public async Task Availability_ForEveryDemoProduct_IsTheProductsPagesStatusBadgeAndDates()
    {
        var (_, key) = await KeyAsync(Access.Scopes.AvailabilityRead);
        using var scope = app.Services.CreateScope();
        var page = await scope.ServiceProvider.GetRequiredService<ProductService>().GetPageAsync(new ProductQuery(PageSize: 1000));
        var demo = page.Rows.Where(r => !r.Sku.StartsWith(AppFactory.TestSkuPrefix, StringComparison.Ordinal)).ToList();
        Assert.True(demo.Count > 20);
        Assert.Contains(demo, r => r.Availability.Status == AvailabilityStatus.Backordered);

        var compared = 0;
        foreach (var chunk in demo.Chunk(ApiEndpoints.MaxSkusPerCall))
        {
            var response = await Client(key).GetAsync("/api/v1/availability?" + string.Join("&", chunk.Select(r => "sku=" + Uri.EscapeDataString(r.Sku))));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(0, body.GetProperty("unknown").GetArrayLength());
            var items = body.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("sku").GetString()!);
            foreach (var row in chunk)
            {
                var item = items[row.Sku];
                Assert.Equal(row.Availability.BadgeText, item.GetProperty("badge").GetString());
                Assert.Equal(ApiEndpoints.StatusName(row.Availability.Status), item.GetProperty("status").GetString());
                Assert.Equal(row.Availability.ShipDate?.ToString("yyyy-MM-dd"), Text(item, "shipDate"));
                Assert.Equal(row.Availability.ShipDateLatest?.ToString("yyyy-MM-dd"), Text(item, "shipDateLatest"));
                Assert.Equal(row.Availability.Available, item.GetProperty("available").GetInt32());
                compared++;
            }
        }
        Assert.Equal(demo.Count, compared);
    }

    private static string? Text(JsonElement item, string name) =>
        item.GetProperty(name).ValueKind == JsonValueKind.Null ? null : item.GetProperty(name).GetString();

    [Fact]
    public async Task Availability_ETagAnswers304UntilTheStockMoves_AndUnknownSkusAreListed()
    {
        var (_, key) = await KeyAsync(Access.Scopes.AvailabilityRead);
        var sku = await app.AddProductAsync(onHand: 40);
        var client = Client(key);
        var path = $"/api/v1/availability?sku={sku}&sku=NO-SUCH-SKU";

        var first = await client.GetAsync(path);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["NO-SUCH-SKU"], body.GetProperty("unknown").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("In stock", body.GetProperty("items")[0].GetProperty("badge").GetString());

        var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);

        using (var scope = app.Services.CreateScope())
        {
            var counted = await scope.ServiceProvider.GetRequiredService<StockCorrectionService>().CorrectAsync(new StockCorrectionInput
            {
                Sku = sku, Mode = StockCorrectionMode.Count, Quantity = 0, Reason = StockCorrectionReason.Stocktake,
            }, TestActors.Merchant);
            Assert.True(counted.Succeeded, counted.Error);
        }
        var moved = new HttpRequestMessage(HttpMethod.Get, path);
        moved.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(moved);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        var badge = JsonDocument.Parse(await changed.Content.ReadAsStringAsync()).RootElement.GetProperty("items")[0].GetProperty("badge").GetString();
        Assert.NotEqual("In stock", badge);
    }

    [Fact]
    public async Task Availability_NoSkuOrMoreThan100_400ProblemNamingTheSkuField()
    {
        var (_, key) = await KeyAsync(Access.Scopes.AvailabilityRead);
        var none = await ProblemAsync(await Client(key).GetAsync("/api/v1/availability"), HttpStatusCode.BadRequest);
        Assert.True(none.GetProperty("errors").TryGetProperty("sku", out _));

        var many = string.Join("&", Enumerable.Range(1, 101).Select(i => $"sku=S{i}"));
        var tooMany = await ProblemAsync(await Client(key).GetAsync("/api/v1/availability?" + many), HttpStatusCode.BadRequest);
        Assert.Contains("101", tooMany.GetProperty("errors").GetProperty("sku")[0].GetString());
    }

    [Fact]
    public async Task Products_PagedAndFilteredByStatus_WithStockFigures_AndABadStatusNamed()
    {
        var (_, key) = await KeyAsync(Access.Scopes.AvailabilityRead);
        var client = Client(key);

        var first = JsonDocument.Parse(await client.GetStringAsync("/api/v1/products?pageSize=5")).RootElement;
        var second = JsonDocument.Parse(await client.GetStringAsync("/api/v1/products?pageSize=5&page=1")).RootElement;
        var skus = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("sku").GetString()).ToList();
        Assert.Equal(10, skus.Distinct().Count());
        Assert.True(first.GetProperty("total").GetInt32() > 10);
        var item = first.GetProperty("items")[0];
        foreach (var field in new[] { "badge", "status", "onHand", "allocated", "inbound", "backorderedUnits", "available" })
        {
            Assert.True(item.TryGetProperty(field, out _), field);
        }

        var backordered = JsonDocument.Parse(await client.GetStringAsync("/api/v1/products?status=backordered&pageSize=200")).RootElement;
        Assert.NotEmpty(backordered.GetProperty("items").EnumerateArray());
        Assert.All(backordered.GetProperty("items").EnumerateArray(), i => Assert.StartsWith("backordered", i.GetProperty("status").GetString()));

        var bad = await ProblemAsync(await client.GetAsync("/api/v1/products?status=sold-out"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("status", out _));
    }

    [Fact]
    public async Task UnknownApiAddress_404Problem_NotTheDashboardsPage()
    {
        var (_, key) = await KeyAsync(Access.Scopes.AvailabilityRead);
        await ProblemAsync(await Client(key).GetAsync("/api/v1/no-such-call"), HttpStatusCode.NotFound);
    }
}
