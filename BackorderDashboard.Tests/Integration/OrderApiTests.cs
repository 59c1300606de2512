using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Api;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>The storefront's order calls over real HTTP with API keys: place (idempotent), read, cancel.</summary>
[Collection(ApiAppCollection.Name)]
public class OrderApiTests(AppFactory app)
{
    private const string WriteScope = Access.Scopes.OrdersWrite;
    private const string ReadScope = Access.Scopes.OrdersRead;

    public static TheoryData<string, string, string> Calls => new()
    {
        { "POST", "/api/v1/orders", WriteScope },
        { "GET", "/api/v1/orders/SO-100001", ReadScope },
        { "POST", "/api/v1/orders/SO-100001/cancel", WriteScope },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task OrderCall_WithoutKey_Is401Problem(string method, string path, string scope)
    {
        _ = scope;
        using var client = app.CreateHttpClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("{}") });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task OrderCall_KeyWithoutItsScope_Is403NamingTheScope(string method, string path, string scope)
    {
        var other = scope == WriteScope ? ReadScope : WriteScope;
        using var client = await ClientAsync(Access.Scopes.AvailabilityRead, other);
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("{}") };
        request.Headers.Add(OrderApi.IdempotencyHeader, Guid.NewGuid().ToString());

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(scope, (await ProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PlaceOrder_PartlyInStock_Is201_AllocatesStockFirst_AndBackordersTheRestWithAPromisedDate()
    {
        var sku = await app.AddProductAsync(onHand: 2);
        var po = await app.PlacePurchaseOrderAsync(sku, 10, days: 8);
        var (_, handling) = await app.StoreDayAsync();
        using var client = await ClientAsync(WriteScope);

        var response = await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 5, external: $"WEB-{Guid.NewGuid():N}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var number = root.GetProperty("number").GetString()!;
        Assert.StartsWith("SO-", number);
        Assert.Equal($"/api/v1/orders/{number}", response.Headers.Location?.OriginalString);
        await using var db = await DbAsync();
        var order = await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Number == number);
        Assert.Equal($"http://localhost:5080/track/{order.TrackingToken}", root.GetProperty("trackingUrl").GetString());
        var line = Assert.Single(root.GetProperty("lines").EnumerateArray());
        Assert.Equal(sku, line.GetProperty("sku").GetString());
        Assert.Equal(5, line.GetProperty("quantity").GetInt32());
        Assert.Equal(2, line.GetProperty("allocated").GetInt32());
        Assert.Equal(3, line.GetProperty("backordered").GetInt32());
        Assert.Equal(po.Expected.AddDays(handling).ToString("yyyy-MM-dd"), line.GetProperty("promisedShipDate").GetString());
        Assert.Equal(OrderChannel.Api, order.Channel);
        Assert.Equal(1999, order.Lines.Single().UnitPriceCents);
        Assert.Contains(await db.OrderEvents.Where(e => e.OrderId == order.Id).Select(e => e.UserName).ToListAsync(), n => n!.StartsWith("API key "));
    }

    [Fact]
    public async Task PlaceOrder_WithPayment_StoresTheAuthorizationGiven()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        using var client = await ClientAsync(WriteScope);
        var authorized = app.Clock.GetUtcNow().UtcDateTime.AddHours(-1);
        var body = OrderBody(sku, 1, payment: $$"""{ "authorizedAt": "{{authorized:O}}", "expiresAt": "{{authorized.AddDays(3):O}}" }""");

        var response = await PostOrderAsync(client, Guid.NewGuid().ToString(), body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var number = (await BodyAsync(response)).GetProperty("number").GetString();
        await using var db = await DbAsync();
        var order = await db.Orders.SingleAsync(o => o.Number == number);
        Assert.Equal(authorized.AddDays(3), order.PaymentAuthorizationExpiresAt, TimeSpan.FromSeconds(1));
        Assert.Equal(authorized, order.PaymentAuthorizedAt, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task PlaceOrder_SameKeySameBody_GivesTheSameAnswer_AndPlacesOneOrder()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        using var client = await ClientAsync(WriteScope);
        var key = Guid.NewGuid().ToString();
        var body = OrderBody(sku, 3);

        var first = await PostOrderAsync(client, key, body);
        var second = await PostOrderAsync(client, key, body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await OrdersOfAsync(sku));
        Assert.Equal(1, await UnitsAllocatedAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_SameKeyOtherBody_Is409_AndPlacesNothingMore()
    {
        var sku = await app.AddProductAsync(onHand: 5);
        using var client = await ClientAsync(WriteScope);
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await PostOrderAsync(client, key, OrderBody(sku, 1))).StatusCode);

        var response = await PostOrderAsync(client, key, OrderBody(sku, 2));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty(OrderApi.IdempotencyHeader, out _));
        Assert.Equal(1, await OrdersOfAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_ConcurrentRepeatsOfOneKey_PlaceOneOrder_AndAllGetItsAnswer()
    {
        var sku = await app.AddProductAsync(onHand: 10);
        var key = Guid.NewGuid().ToString();
        var body = OrderBody(sku, 2);
        // Five connections with one API key: an idempotency key belongs to the API key that sent it.
        var apiKey = await KeyAsync(WriteScope);
        var clients = Enumerable.Range(0, 5).Select(_ => Client(apiKey)).ToList();

        var responses = await Task.WhenAll(clients.Select(c => PostOrderAsync(c, key, body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var answers = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(answers.Distinct());
        Assert.Equal(1, await OrdersOfAsync(sku));
        Assert.Equal(2, await UnitsAllocatedAsync(sku));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task PlaceOrder_StorefrontNumberPlacedAlreadyUnderAnotherKey_Is409NamingOurOrder_AndPlacesNothingMore()
    {
        var sku = await app.AddProductAsync(onHand: 5);
        var external = $"WEB-{Guid.NewGuid():N}";
        using var client = await ClientAsync(WriteScope);
        var first = (await BodyAsync(await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 1, external)))).GetProperty("number").GetString()!;

        var response = await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 1, external));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains(first, (await ProblemAsync(response)).GetProperty("errors").GetProperty("number")[0].GetString());
        Assert.Equal(1, await OrdersOfAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_MissingIdempotencyKey_Is400Problem_AndPlacesNothing()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        using var client = await ClientAsync(WriteScope);

        var response = await client.PostAsync("/api/v1/orders", Json(OrderBody(sku, 1)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty(OrderApi.IdempotencyHeader, out _));
        Assert.Equal(0, await OrdersOfAsync(sku));
    }

    [Fact]
    public async Task PlaceOrder_UnknownSku_Is422NamingTheSku_AndStoresNothing()
    {
        var sku = await app.AddProductAsync(onHand: 3);
        var unknown = $"{AppFactory.TestSkuPrefix}NOPE{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        using var client = await ClientAsync(WriteScope);
        var key = Guid.NewGuid().ToString();
        var body = $$"""
            { "customer": { "email": "ada@example.com", "name": "Ada Lovelace" }, "shipPolicy": "ship-available",
              "lines": [ { "sku": "{{sku}}", "quantity": 1, "unitPriceCents": 100 }, { "sku": "{{unknown}}", "quantity": 1, "unitPriceCents": 100 } ] }
            """;

        var response = await PostOrderAsync(client, key, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Contains(unknown, problem.GetProperty("errors").GetProperty("lines[1].sku")[0].GetString());
        Assert.Equal(unknown, problem.GetProperty("lines")[0].GetProperty("sku").GetString());
        Assert.Equal(0, await OrdersOfAsync(sku));
        Assert.Equal(0, await UnitsAllocatedAsync(sku));
        await using var db = await DbAsync();
        Assert.False(await db.ApiIdempotency.AnyAsync(r => r.IdempotencyKey == key));
    }

    [Fact]
    public async Task PlaceOrder_ProductThatMayNotBeBackordered_Is422NamingTheSkuAndWhy_AndStoresNothing()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        await using (var db = await DbAsync())
        {
            await db.Products.Where(p => p.Sku == sku).ExecuteUpdateAsync(s => s.SetProperty(p => p.BackorderPolicy, BackorderPolicy.NotAllowed));
        }
        using var client = await ClientAsync(WriteScope);

        var response = await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 3));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var reason = (await ProblemAsync(response)).GetProperty("errors").GetProperty("lines[0].sku")[0].GetString();
        Assert.Contains(sku, reason);
        Assert.Contains("can't be backordered", reason);
        Assert.Equal(0, await OrdersOfAsync(sku));
        Assert.Equal(0, await UnitsAllocatedAsync(sku));
    }

    [Theory]
    [InlineData("""{ "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "ship-available", "lines": [ { "sku": "A", "quantity": 1, "unitPriceCents": 1 }, { "sku": "B", "quantity": 0, "unitPriceCents": 1 } ] }""", "lines[1].quantity")]
    [InlineData("""{ "customer": { "email": "not-an-address", "name": "Ada" }, "shipPolicy": "ship-available", "lines": [ { "sku": "A", "quantity": 1, "unitPriceCents": 1 } ] }""", "customer.email")]
    [InlineData("""{ "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "whenever", "lines": [ { "sku": "A", "quantity": 1, "unitPriceCents": 1 } ] }""", "shipPolicy")]
    [InlineData("""{ "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "ship-complete", "lines": [] }""", "lines")]
    [InlineData("""{ "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "ship-complete", "lines": [ { "sku": "A", "quantity": 1 } ] }""", "lines[0].unitPriceCents")]
    [InlineData("""{ "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "ship-complete", "lines": [ { "sku": "A", "quantity": "many", "unitPriceCents": 1 } ] }""", "lines[0].quantity")]
    [InlineData("""{ "customer": { "email": "ada@example.com", "name": "Ada", "tier": "gold" }, "shipPolicy": "ship-complete", "lines": [ { "sku": "A", "quantity": 1, "unitPriceCents": 1 } ] }""", "customer.tier")]
    [InlineData("""{ "placedAt": "2099-01-01T00:00:00Z", "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "ship-complete", "lines": [ { "sku": "A", "quantity": 1, "unitPriceCents": 1 } ] }""", "placedAt")]
    [InlineData("""{ "placedAt": "2001-01-01T00:00:00Z", "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "ship-complete", "lines": [ { "sku": "A", "quantity": 1, "unitPriceCents": 1 } ] }""", "placedAt")]
    [InlineData("""{ "customer": { "email": "ada@example.com", "name": "Ada" }, "shipPolicy": "ship-complete", "lines": [ { "sku": "A", "quantity": 1, "unitPriceCents": 1 }, { "sku": "a", "quantity": 1, "unitPriceCents": 1 } ] }""", "lines[1].sku")]
    public async Task PlaceOrder_InvalidBody_Is400ProblemNamingTheField(string body, string field)
    {
        using var client = await ClientAsync(WriteScope);

        var response = await PostOrderAsync(client, Guid.NewGuid().ToString(), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"No error for {field}: {errors}");
    }

    [Fact]
    public async Task GetOrder_BackorderedLine_ShowsPlaceInLineAndEta_AsTheOrderPageReadsThem()
    {
        var sku = await app.AddProductAsync();
        await app.PlacePurchaseOrderAsync(sku, 4, days: 9);
        await app.PlaceOrderAsync("Earlier Customer", "earlier@example.com", sku, qty: 2);
        using var client = await ClientAsync(WriteScope, ReadScope);
        var placed = await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 1));
        var number = (await BodyAsync(placed)).GetProperty("number").GetString()!;

        var response = await client.GetAsync($"/api/v1/orders/{number}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var scope = app.Services.CreateScope();
        var page = (await scope.ServiceProvider.GetRequiredService<OrderService>().GetAsync(number))!.Lines.Single();
        var root = await BodyAsync(response);
        Assert.Equal(number, root.GetProperty("number").GetString());
        Assert.StartsWith("http://localhost:5080/track/", root.GetProperty("trackingUrl").GetString());
        var line = root.GetProperty("lines")[0];
        Assert.Equal("backordered", line.GetProperty("status").GetString());
        Assert.Equal(2, line.GetProperty("placeInLine").GetInt32());
        Assert.Equal(page.Position, line.GetProperty("placeInLine").GetInt32());
        Assert.Equal(2, line.GetProperty("unitsAhead").GetInt32());
        Assert.NotNull(page.Eta);
        Assert.Equal(page.Eta!.Value.ToString("yyyy-MM-dd"), line.GetProperty("eta").GetString());
        Assert.Equal(page.Promised!.Value.ToString("yyyy-MM-dd"), line.GetProperty("promisedShipDate").GetString());
        Assert.Equal(1, line.GetProperty("waiting").GetInt32());
        Assert.Equal(0, line.GetProperty("allocated").GetInt32());
        Assert.False(line.GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task GetOrder_UnknownNumber_Is404Problem()
    {
        using var client = await ClientAsync(ReadScope);

        var response = await client.GetAsync("/api/v1/orders/SO-999999999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CancelOrder_AllocatedLine_FreesItsUnitToTheNextLineInTheQueue()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        using var client = await ClientAsync(WriteScope, ReadScope);
        var first = (await BodyAsync(await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 1)))).GetProperty("number").GetString()!;
        var next = await app.PlaceOrderAsync("Next In Line", "next@example.com", sku);
        Assert.Equal(0, await AllocatedOnAsync(next));

        var response = await client.PostAsync($"/api/v1/orders/{first}/cancel", Json("""{ "reason": "Customer changed their mind" }"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = await BodyAsync(response);
        Assert.Equal(sku, root.GetProperty("cancelled")[0].GetProperty("sku").GetString());
        Assert.Equal(1, root.GetProperty("cancelled")[0].GetProperty("quantity").GetInt32());
        Assert.Equal("cancelled", root.GetProperty("order").GetProperty("lines")[0].GetProperty("status").GetString());
        Assert.Equal(1, await AllocatedOnAsync(next));
        Assert.Equal(0, await AllocatedOnAsync(first));
    }

    [Fact]
    public async Task CancelOrder_SomeUnitsOfALine_CancelsWaitingUnitsFirst_AndKeepsWhatIsSetAside()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        using var client = await ClientAsync(WriteScope);
        var number = (await BodyAsync(await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 3)))).GetProperty("number").GetString()!;

        var response = await client.PostAsync($"/api/v1/orders/{number}/cancel",
            Json($$"""{ "lines": [ { "sku": "{{sku}}", "quantity": 2 } ], "reason": "Only wants one", "waitlist": false }"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = (await BodyAsync(response)).GetProperty("order").GetProperty("lines")[0];
        Assert.Equal(2, line.GetProperty("cancelled").GetInt32());
        Assert.Equal(1, line.GetProperty("allocated").GetInt32());
        Assert.Equal(0, line.GetProperty("waiting").GetInt32());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("eta").ValueKind);
        Assert.Equal(1, await UnitsAllocatedAsync(sku));
    }

    [Fact]
    public async Task CancelOrder_SentAgainWithItsIdempotencyKey_CancelsOnce_AndAnotherBodyWithTheKeyIs409()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        using var client = await ClientAsync(WriteScope, ReadScope);
        var number = (await BodyAsync(await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 3)))).GetProperty("number").GetString()!;
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Cancel(int units) => new(HttpMethod.Post, $"/api/v1/orders/{number}/cancel")
        {
            Content = Json($$"""{ "lines": [ { "sku": "{{sku}}", "quantity": {{units}} } ], "reason": "Only wants two" }"""),
            Headers = { { "Idempotency-Key", key } },
        };

        var first = await client.SendAsync(Cancel(1));
        var again = await client.SendAsync(Cancel(1));
        var other = await client.SendAsync(Cancel(2));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("Idempotency-Key", JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        var line = (await BodyAsync(await client.GetAsync($"/api/v1/orders/{number}"))).GetProperty("lines")[0];
        Assert.Equal(1, line.GetProperty("cancelled").GetInt32());
        Assert.Equal(2, line.GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task CancelOrder_RefusedWithAKey_FreesTheKey_ForTheCorrectedCall()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        using var client = await ClientAsync(WriteScope);
        var number = (await BodyAsync(await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 2)))).GetProperty("number").GetString()!;
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Cancel(int units) => new(HttpMethod.Post, $"/api/v1/orders/{number}/cancel")
        {
            Content = Json($$"""{ "lines": [ { "sku": "{{sku}}", "quantity": {{units}} } ], "reason": "Fewer" }"""),
            Headers = { { "Idempotency-Key", key } },
        };

        var tooMany = await client.SendAsync(Cancel(5));
        var corrected = await client.SendAsync(Cancel(1));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal(1, (await BodyAsync(corrected)).GetProperty("cancelled")[0].GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task CancelOrder_MoreUnitsThanAreOpen_Is422NamingTheField_AndCancelsNothing()
    {
        var sku = await app.AddProductAsync(onHand: 2);
        using var client = await ClientAsync(WriteScope);
        var number = (await BodyAsync(await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 2)))).GetProperty("number").GetString()!;

        var response = await client.PostAsync($"/api/v1/orders/{number}/cancel",
            Json($$"""{ "lines": [ { "sku": "{{sku}}", "quantity": 3 } ], "reason": "Too many" }"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty("lines[0].quantity", out _));
        Assert.Equal(2, await AllocatedOnAsync(number));
    }

    [Fact]
    public async Task CancelOrder_WithoutReason_Is400NamingReason()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        using var client = await ClientAsync(WriteScope);
        var number = (await BodyAsync(await PostOrderAsync(client, Guid.NewGuid().ToString(), OrderBody(sku, 1)))).GetProperty("number").GetString()!;

        var response = await client.PostAsync($"/api/v1/orders/{number}/cancel", Json("{}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(1, await AllocatedOnAsync(number));
    }

    // ---- helpers ----

    private async Task<HttpClient> ClientAsync(params string[] scopes) => Client(await KeyAsync(scopes));

    private async Task<string> KeyAsync(params string[] scopes)
    {
        using var scope = app.Services.CreateScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync($"Order API test {Guid.NewGuid():N}", scopes, Actor.System);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Values));
        return created.Key;
    }

    private HttpClient Client(string key)
    {
        var client = app.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static string OrderBody(string sku, int qty, string? external = null, string? payment = null) => $$"""
        { {{(external is null ? "" : $"\"number\": \"{external}\",")}}
          "customer": { "email": "storefront.buyer@example.com", "name": "Storefront Buyer", "phone": "+1 555 0100" },
          "shipPolicy": "ship-available",
          "lines": [ { "sku": "{{sku.ToLowerInvariant()}}", "quantity": {{qty}}, "unitPriceCents": 1999 } ]
          {{(payment is null ? "" : $", \"payment\": {payment}")}} }
        """;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> PostOrderAsync(HttpClient client, string key, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = Json(body) };
        request.Headers.Add(OrderApi.IdempotencyHeader, key);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<AppDbContext> DbAsync() => await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private async Task<int> OrdersOfAsync(string sku)
    {
        await using var db = await DbAsync();
        return await db.Orders.CountAsync(o => o.Lines.Any(l => l.Product.Sku == sku));
    }

    private async Task<int> UnitsAllocatedAsync(string sku)
    {
        await using var db = await DbAsync();
        return await db.Products.Where(p => p.Sku == sku).Select(p => p.Allocated).SingleAsync();
    }

    private async Task<int> AllocatedOnAsync(string number)
    {
        await using var db = await DbAsync();
        return await db.OrderLines.Where(l => l.Order.Number == number).SumAsync(l => l.QtyAllocated);
    }
}
