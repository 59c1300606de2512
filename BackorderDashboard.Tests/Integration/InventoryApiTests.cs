using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Api;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>Receipts and stock counts through the REST API, its OpenAPI document and reference page, and its body limit.</summary>
[Collection(ApiAppCollection.Name)]
public class InventoryApiTests(AppFactory app)
{
    private async Task<string> KeyAsync(params string[] scopes)
    {
        using var scope = app.Services.CreateScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync($"Warehouse {Guid.NewGuid():N}", scopes, Actor.System);
        Assert.True(created.Succeeded);
        return created.Key;
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

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<IReadOnlyDictionary<string, string>> ProblemErrorsAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(text).RootElement;
        return root.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(v => v.GetString())))
            : new Dictionary<string, string>();
    }

    private async Task<(int OnHand, int Allocated, int ReceiptRows)> StockAsync(string sku)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Sku == sku);
        var receipts = await db.StockLedger.CountAsync(l => l.ProductId == product.Id && l.Reason == StockReason.Receipt);
        return (product.OnHand, product.Allocated, receipts);
    }

    [Theory]
    [InlineData("/api/v1/receipts")]
    [InlineData("/api/v1/stock-counts")]
    public async Task InventoryWrites_WithoutAKey_Answer401_AndWithoutTheScope_403(string path)
    {
        using var anonymous = Client(null);
        using var reader = Client(await KeyAsync(Access.Scopes.AvailabilityRead, Access.Scopes.OrdersWrite));
        var body = new { lines = new[] { new { sku = "X", quantity = 1 } }, counts = new[] { new { sku = "X", onHand = 1, reason = "stocktake" } } };

        var noKey = await PostAsync(anonymous, path, body, "k-1");
        var noScope = await PostAsync(reader, path, body, "k-1");

        await ProblemErrorsAsync(noKey, HttpStatusCode.Unauthorized);
        var forbidden = await JsonAsync(noScope);
        Assert.Equal(HttpStatusCode.Forbidden, noScope.StatusCode);
        Assert.Contains("inventory:write", forbidden.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Receipt_GoesToTheOldestWaitingLine_AndSaysWhichOrdersGotUnits()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        var first = await app.PlaceOrderAsync("First Waiting", "first.waiting@example.com", sku);
        var second = await app.PlaceOrderAsync("Second Waiting", "second.waiting@example.com", sku);
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));

        var response = await PostAsync(client, "/api/v1/receipts", new { lines = new[] { new { sku, quantity = 1 } } }, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.True(json.GetProperty("receiptId").GetInt32() > 0);
        var line = Assert.Single(json.GetProperty("lines").EnumerateArray());
        Assert.Equal(sku, line.GetProperty("sku").GetString());
        Assert.Equal(1, line.GetProperty("quantity").GetInt32());
        var allocation = Assert.Single(line.GetProperty("allocations").EnumerateArray());
        Assert.Equal(first, allocation.GetProperty("orderNumber").GetString());
        Assert.NotEqual(second, first);
        Assert.Equal(1, allocation.GetProperty("quantity").GetInt32());
        Assert.Equal(1, line.GetProperty("linesStillWaiting").GetInt32());
        Assert.Equal((1, 1, 1), await StockAsync(sku));
    }

    [Fact]
    public async Task Receipt_SameKeyAndBody_AnswersTheSame_AndReceivesOnce_OtherBodyIs409()
    {
        var sku = await app.AddProductAsync(onHand: 2);
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(client, "/api/v1/receipts", new { lines = new[] { new { sku, quantity = 5 } } }, key);
        var again = await PostAsync(client, "/api/v1/receipts", new { lines = new[] { new { sku, quantity = 5 } } }, key);
        var other = await PostAsync(client, "/api/v1/receipts", new { lines = new[] { new { sku, quantity = 6 } } }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        await ProblemErrorsAsync(other, HttpStatusCode.Conflict);
        Assert.Equal((7, 0, 1), await StockAsync(sku));
        // Another key's same Idempotency-Key is its own receipt.
        using var otherClient = Client(await KeyAsync(Access.Scopes.InventoryWrite));
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(otherClient, "/api/v1/receipts", new { lines = new[] { new { sku, quantity = 5 } } }, key)).StatusCode);
        Assert.Equal((12, 0, 2), await StockAsync(sku));
    }

    [Fact]
    public async Task Receipt_SameKeySentTwiceAtOnce_IsReceivedOnce_AndBothHearTheSameAnswer()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        var key = await KeyAsync(Access.Scopes.InventoryWrite);
        var idempotencyKey = Guid.NewGuid().ToString();

        var answers = await AtOnce.ValuesAsync(Enumerable.Range(0, 2).Select(_ => (Func<Task<(HttpStatusCode, string)>>)(async () =>
        {
            using var client = Client(key);
            var response = await PostAsync(client, "/api/v1/receipts", new { lines = new[] { new { sku, quantity = 3 } } }, idempotencyKey);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        })).ToList());

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Item1));
        Assert.Equal(answers[0].Item2, answers[1].Item2);
        Assert.Equal((3, 0, 1), await StockAsync(sku));
    }

    [Fact]
    public async Task Receipt_WithoutIdempotencyKey_Is400_NamingTheHeader()
    {
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));

        var errors = await ProblemErrorsAsync(await PostAsync(client, "/api/v1/receipts", new { lines = new[] { new { sku = "X", quantity = 1 } } }),
            HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", errors.Keys);
    }

    [Fact]
    public async Task Receipt_UnknownSku_OrOneNotOnThePurchaseOrder_NamesTheLine_AndReceivesNothing()
    {
        var onPo = await app.AddProductAsync();
        var notOnPo = await app.AddProductAsync();
        var (_, number, _) = await app.PlacePurchaseOrderAsync(onPo, 10, 5);
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));
        var key = Guid.NewGuid().ToString();

        var unknown = await ProblemErrorsAsync(await PostAsync(client, "/api/v1/receipts",
            new { poNumber = number, lines = new[] { new { sku = onPo, quantity = 4 }, new { sku = "ZZ-NO-SUCH", quantity = 1 } } }, key),
            HttpStatusCode.UnprocessableEntity);
        var notOnIt = await ProblemErrorsAsync(await PostAsync(client, "/api/v1/receipts",
            new { poNumber = number, lines = new[] { new { sku = onPo, quantity = 4 }, new { sku = notOnPo, quantity = 1 } } }, key),
            HttpStatusCode.UnprocessableEntity);
        var noSuchPo = await ProblemErrorsAsync(await PostAsync(client, "/api/v1/receipts",
            new { poNumber = "PO-NONE", lines = new[] { new { sku = onPo, quantity = 4 } } }, key), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["lines[1].sku"], unknown.Keys);
        Assert.Contains("ZZ-NO-SUCH", unknown["lines[1].sku"]);
        Assert.Equal(["lines[1].sku"], notOnIt.Keys);
        Assert.Contains($"not on {number}", notOnIt["lines[1].sku"]);
        Assert.Equal(["poNumber"], noSuchPo.Keys);
        Assert.Equal((0, 0, 0), await StockAsync(onPo));
        // A refused receipt does not use up its key: the corrected body is received.
        var fixedUp = await PostAsync(client, "/api/v1/receipts", new { poNumber = number, lines = new[] { new { sku = onPo, quantity = 4 } } }, key);
        Assert.Equal(HttpStatusCode.Created, fixedUp.StatusCode);
        Assert.Equal(number, (await JsonAsync(fixedUp)).GetProperty("reference").GetString());
        Assert.Equal((4, 0, 1), await StockAsync(onPo));
    }

    [Fact]
    public async Task StockCount_CountsAndChangesWithAReason_AnswerTheNewOnHand()
    {
        var counted = await app.AddProductAsync(onHand: 5);
        var damaged = await app.AddProductAsync(onHand: 5);
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));

        var response = await PostAsync(client, "/api/v1/stock-counts", new
        {
            counts = new object[] { new { sku = counted, onHand = 3, reason = "stocktake" }, new { sku = damaged, change = -2, reason = "Damaged", note = "Dropped" } },
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var products = JsonDocument.Parse(text).RootElement.GetProperty("products").EnumerateArray().ToList();
        Assert.Equal([counted, damaged], products.Select(p => p.GetProperty("sku").GetString()));
        Assert.Equal([3, 3], products.Select(p => p.GetProperty("onHand").GetInt32()));
        Assert.Equal([5, 5], products.Select(p => p.GetProperty("onHandBefore").GetInt32()));
        Assert.Equal(3, (await StockAsync(counted)).OnHand);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var ledger = await db.StockLedger.AsNoTracking().Where(l => l.Product.Sku == damaged && l.Reason == StockReason.Adjustment).SingleAsync();
        Assert.Equal((-2, StockCorrectionReason.Damaged, "Dropped"), (ledger.OnHandDelta, ledger.Correction, ledger.Note));
    }

    [Fact]
    public async Task StockCount_AChangeSentAgainWithItsIdempotencyKey_AppliesOnce_AndWithoutAKeyEachCallApplies()
    {
        var sku = await app.AddProductAsync(onHand: 10);
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));
        var change = new { counts = new[] { new { sku, change = -1, reason = "damaged" } } };
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(client, "/api/v1/stock-counts", change, key);
        var again = await PostAsync(client, "/api/v1/stock-counts", change, key);
        var otherBody = await PostAsync(client, "/api/v1/stock-counts", new { counts = new[] { new { sku, change = -2, reason = "damaged" } } }, key);
        var tooLong = await PostAsync(client, "/api/v1/stock-counts", change, new string('k', ApiIdempotency.MaxKeyLength + 1));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.Conflict, otherBody.StatusCode);
        Assert.Equal(["Idempotency-Key"], (await ProblemErrorsAsync(tooLong, HttpStatusCode.BadRequest)).Keys);
        Assert.Equal(9, (await StockAsync(sku)).OnHand);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/api/v1/stock-counts", change)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/api/v1/stock-counts", change)).StatusCode);
        Assert.Equal(7, (await StockAsync(sku)).OnHand);
    }

    [Fact]
    public async Task StockCount_BadRows_NameTheirFields_AndChangeNothing()
    {
        var sku = await app.AddProductAsync(onHand: 5);
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));

        var shape = await ProblemErrorsAsync(await PostAsync(client, "/api/v1/stock-counts", new
        {
            counts = new object[] { new { sku, onHand = 1, reason = "broken" }, new { sku, onHand = 1, change = 1, reason = "found" }, new { onHand = 1, reason = "lost" } },
        }), HttpStatusCode.BadRequest);
        var rules = await ProblemErrorsAsync(await PostAsync(client, "/api/v1/stock-counts", new
        {
            counts = new object[] { new { sku, change = 2, reason = "damaged" }, new { sku = "ZZ-NO-SUCH", onHand = 1, reason = "stocktake" } },
        }), HttpStatusCode.UnprocessableEntity);
        var type = await ProblemErrorsAsync(await PostAsync(client, "/api/v1/stock-counts", new
        {
            counts = new object[] { new { sku, onHand = "many", reason = "stocktake" } },
        }), HttpStatusCode.BadRequest);

        Assert.Equal(["counts[0].reason", "counts[1].onHand", "counts[2].sku"], shape.Keys.Order());
        Assert.Equal(["counts[0].reason", "counts[1].sku"], rules.Keys.Order());
        Assert.Contains("below zero", rules["counts[0].reason"]);
        Assert.Equal(["counts[0].onHand"], type.Keys);
        Assert.Equal(5, (await StockAsync(sku)).OnHand);
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryApiEndpoint_WithItsScope_AndExamples()
    {
        using var client = app.CreateHttpClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await JsonAsync(response);
        var paths = document.GetProperty("paths");

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.OrdinalIgnoreCase) == true)
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/v1/receipts");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/v1/stock-counts");
        foreach (var endpoint in endpoints)
        {
            var path = Regex.Replace(endpoint.RoutePattern.RawText!, @"\{\*{0,2}([^}:=?]+)[^}]*\}", "{$1}");
            // A call without a scope still needs a key (of any scope).
            string[] scopes = endpoint.Metadata.GetMetadata<ApiScope>() is { } scope ? [scope.Scope] : [];
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
            {
                var operation = default(JsonElement);
                Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out operation),
                    $"{method} {path} is missing from the document");
                var security = operation.GetProperty("security").EnumerateArray().Single().GetProperty(ApiDocumentation.SecurityScheme);
                Assert.Equal(scopes, security.EnumerateArray().Select(s => s.GetString()));
                Assert.Contains(scopes.FirstOrDefault() ?? "any scope", operation.GetProperty("description").GetString());
            }
        }
        var receipt = paths.GetProperty("/api/v1/receipts").GetProperty("post");
        Assert.Contains(receipt.GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
        foreach (var optional in new[] { "/api/v1/stock-counts", "/api/v1/orders/{number}/cancel" })
        {
            Assert.Contains(paths.GetProperty(optional).GetProperty("post").GetProperty("parameters").EnumerateArray(),
                p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header" && !(p.TryGetProperty("required", out var required) && required.GetBoolean()));
        }
        Assert.Equal("ReceiptRequest", receipt.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!.Split('/').Last());
        Assert.True(receipt.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(receipt.GetProperty("responses").TryGetProperty("409", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal("PO-1042", schemas.GetProperty(nameof(ReceiptRequest)).GetProperty("examples")[0].GetProperty("poNumber").GetString());
        Assert.Equal("stocktake", schemas.GetProperty(nameof(StockCountRequest)).GetProperty("examples")[0].GetProperty("counts")[0].GetProperty("reason").GetString());
        Assert.True(schemas.GetProperty(nameof(ReceiptResponse)).TryGetProperty("examples", out _));
    }

    [Fact]
    public async Task ApiReference_IsForSignedInStaff_AndItsScriptsRunUnderThePagesNonce()
    {
        using var anonymous = app.CreateHttpClient();
        var refused = await anonymous.GetAsync("/api/reference/");
        using var staff = await app.CreateSignedInClientAsync("support@example.com");
        var page = await staff.GetAsync("/api/reference/");

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/Account/Login", refused.Headers.Location!.OriginalString);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{(int)page.StatusCode} {page.Headers.Location}");
        var html = await page.Content.ReadAsStringAsync();
        var nonce = Regex.Match(string.Join("", page.Headers.GetValues("Content-Security-Policy")), "'nonce-([^']+)'").Groups[1].Value;
        var scripts = Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Equal(nonce, WebUtility.HtmlDecode(Regex.Match(s, "nonce=\"([^\"]+)\"").Groups[1].Value)));
        Assert.Contains("\"url\":\"openapi/v1.json\"", html);
        Assert.DoesNotMatch("src=\"https?://", html);
        foreach (var src in scripts.Select(s => Regex.Match(s, "src=\"([^\"]+)\"").Groups[1].Value).Where(s => s.Length > 0))
        {
            var script = await staff.GetAsync(new Uri(new Uri(app.BaseUrl + "/api/reference/"), src));
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{src}: {(int)script.StatusCode}");
        }
    }

    [Fact]
    public async Task ATooLargeBody_Is413ProblemDetails()
    {
        using var client = Client(await KeyAsync(Access.Scopes.InventoryWrite));
        var rows = Enumerable.Range(0, 30_000).Select(i => new { sku = $"SKU-{i:D8}", onHand = 1, reason = "stocktake" });
        var body = JsonSerializer.SerializeToUtf8Bytes(new { counts = rows });
        Assert.True(body.Length > ApiRequestLimits.MaxBodyBytes);

        var declared = await client.PostAsync("/api/v1/stock-counts", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        var chunked = new StreamContent(new MemoryStream(body)) { Headers = { ContentType = new("application/json") } };
        var streamed = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/stock-counts") { Content = chunked, Headers = { TransferEncodingChunked = true } });

        await ProblemErrorsAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        await ProblemErrorsAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
    }
}

/// <summary>The per-key limit of the API, on an app of its own whose limit a test reaches in a few calls.</summary>
public class InventoryApiRateLimitTests(InventoryApiRateLimitTests.SmallLimitApp app) : IClassFixture<InventoryApiRateLimitTests.SmallLimitApp>
{
    public const int PerKey = 3;

    public sealed class SmallLimitApp : WebApplicationFactory<Program>
    {
        private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"backorders-api-limit-{Guid.NewGuid():N}.db");
        private readonly string _keysFolder = Path.Combine(Path.GetTempPath(), $"backorders-api-limit-keys-{Guid.NewGuid():N}");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={_dbPath}");
            builder.UseSetting("Demo:SeedData", "false");
            builder.UseSetting("Demo:SeedUsers", "false");
            builder.UseSetting("DataProtection:KeysFolder", _keysFolder);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("RateLimits:ApiPerKeyPerMinute", PerKey.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("RateLimits:ApiRefusedKeysPerAddressPerMinute", PerKey.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" })
            {
                File.Delete(file);
            }
            if (Directory.Exists(_keysFolder))
            {
                Directory.Delete(_keysFolder, recursive: true);
            }
        }
    }

    private async Task<HttpClient> ClientAsync()
    {
        using var scope = app.Services.CreateScope();
        var key = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync($"Shop {Guid.NewGuid():N}", [Access.Scopes.AvailabilityRead], Actor.System)).Key;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task PastThePerKeyLimit_Answers429WithRetryAfterAndProblemDetails_ForThatKeyOnly()
    {
        using var busy = await ClientAsync();
        using var quiet = await ClientAsync();

        for (var i = 0; i < PerKey; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/v1/products")).StatusCode);
        }
        var over = await busy.GetAsync("/api/v1/products");
        var otherKey = await quiet.GetAsync("/api/v1/products");

        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.InRange(int.Parse(over.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await over.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
    }

    [Fact]
    public async Task MadeUpKeys_PastTheRefusalsPerAddress_Answer429_WhileAWorkingKeyFromThatAddressGoesOn()
    {
        using var working = await ClientAsync();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= PerKey; i++)
        {
            using var stranger = app.CreateClient();
            // Each shaped like a real key, and each new, so the per-key limit alone would give each its own allowance.
            stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{ApiKeyService.KeyPrefix}{Guid.NewGuid():N}{Guid.NewGuid():N}");
            var answer = await stranger.GetAsync("/api/v1/products");
            answers.Add(answer.StatusCode);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.InRange(int.Parse(answer.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
                Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, PerKey), HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.OK, (await working.GetAsync("/api/v1/products")).StatusCode);
    }
}
