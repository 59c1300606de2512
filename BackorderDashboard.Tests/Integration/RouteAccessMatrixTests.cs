using System.Net;
using System.Reflection;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// Every page of the app (every <c>[Route]</c> of its features) requested by every role and by a stranger, through the
/// real HTTP pipeline, against this test's own copy of who may open what. A page added, or a policy changed in
/// <c>Domain/Access.cs</c> without changing this table, fails here.
/// </summary>
[Collection(AppCollection.Name)]
public class RouteAccessMatrixTests(AppFactory app)
{
    private const string Anonymous = "anonymous";
    private const string Admin = "admin@example.com";
    private const string Merchant = "merchant@example.com";
    private const string Support = "support@example.com";
    private const string Manager = "manager@example.com";
    private static readonly string[] Everyone = [Anonymous, Admin, Merchant, Support, Manager];
    private static readonly string[] Staff = [Admin, Merchant, Support, Manager];

    /// <summary>Who gets each page (written out here on purpose, not read from the policies).</summary>
    private static readonly IReadOnlyDictionary<string, string[]> MayOpen = new Dictionary<string, string[]>
    {
        ["/"] = Staff,
        ["/products"] = Staff,
        ["/products/{Sku}"] = Staff,
        ["/products/new"] = [Admin, Merchant],
        ["/products/{Sku}/edit"] = [Admin, Merchant],
        ["/backorders"] = Staff,
        ["/support"] = Staff,
        ["/orders/{Number}"] = Staff,
        ["/orders/new"] = [Admin, Merchant, Support],
        ["/outbox"] = [Admin, Support],
        ["/shipping"] = [Admin, Merchant],
        ["/shipping/pick-list"] = [Admin, Merchant],
        ["/kpi"] = [Admin, Merchant, Manager],
        ["/replenishment"] = [Admin, Merchant, Manager],
        ["/purchase-orders"] = [Admin, Merchant, Manager],
        ["/purchase-orders/{Id}"] = [Admin, Merchant, Manager],
        ["/purchase-orders/new"] = [Admin, Merchant],
        ["/suppliers"] = [Admin, Merchant, Manager],
        ["/receiving"] = [Admin, Merchant, Manager],
        ["/import"] = [Admin, Merchant],
        ["/stock/count"] = [Admin, Merchant],
        ["/storefront"] = [Admin, Merchant],
        ["/integrations"] = [Admin, Merchant],
        ["/admin/users"] = [Admin],
        ["/admin/settings"] = [Admin],
        ["/admin/audit"] = [Admin],
        ["/admin/api-keys"] = [Admin],
        ["/customers"] = Staff,
        ["/customers/{Id}"] = Staff,
        ["/track/{Token}"] = Everyone,
    };

    /// <summary>Who gets each CSV download: the roles of the page its button is on.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> MayDownload = new Dictionary<string, string[]>
    {
        ["/products/export.csv"] = Staff,
        ["/backorders/export.csv"] = Staff,
        ["/purchase-orders/export.csv"] = [Admin, Merchant, Manager],
        ["/orders/export.csv?q=example"] = Staff,
        ["/customers/export.csv"] = Staff,
    };

    /// <summary>The route templates of the app's pages (the sign-in pages and error pages aside).</summary>
    private static IReadOnlyList<string> Routes() => typeof(Program).Assembly.GetTypes()
        .Where(t => t.Namespace?.StartsWith("BackorderDashboard.Features", StringComparison.Ordinal) == true)
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>()).Select(r => r.Template).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Actors => new(Everyone);

    [Fact]
    public void Table_NamesEveryPageOfTheApp()
    {
        Assert.Equal(MayOpen.Keys.Order(StringComparer.Ordinal), Routes());
    }

    [Theory]
    [MemberData(nameof(Actors))]
    public async Task EveryPage_GivesEachActorExactlyItsAnswer(string actor)
    {
        var client = actor == Anonymous ? app.CreateHttpClient() : await app.CreateSignedInClientAsync(actor);
        var values = await RouteValuesAsync();
        var wrong = new List<string>();
        var requested = 0;

        foreach (var template in Routes())
        {
            var path = Fill(template, values);
            var response = await client.GetAsync(path);
            requested++;
            var expected = !MayOpen.TryGetValue(template, out var allowed) ? "a row in the table"
                : allowed.Contains(actor) ? "the page"
                : actor == Anonymous ? "redirect to login" : "access denied";
            var got = await OutcomeAsync(client, response, path);
            if (got != expected)
            {
                wrong.Add($"{actor} {path}: expected {expected}, got {got}");
            }
        }

        Assert.Equal(MayOpen.Count, requested);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>The import page's templates, one per kind of file: for those who may import, like the page.</summary>
    private static readonly string[] Templates =
        ["/import/templates/products.csv", "/import/templates/stock-counts.csv", "/import/templates/purchase-orders.csv", "/import/templates/orders.csv"];

    [Theory]
    [MemberData(nameof(Actors))]
    public async Task ImportTemplates_GiveEachActorExactlyItsAnswer(string actor)
    {
        var client = actor == Anonymous ? app.CreateHttpClient() : await app.CreateSignedInClientAsync(actor);
        var wrong = new List<string>();

        foreach (var path in Templates)
        {
            var response = await client.GetAsync(path);
            var expected = actor is Admin or Merchant ? "the page" : actor == Anonymous ? "redirect to login" : "access denied";
            var got = await OutcomeAsync(client, response, path);
            if (got != expected)
            {
                wrong.Add($"{actor} {path}: expected {expected}, got {got}");
            }
            else if (expected == "the page")
            {
                Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(2, (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
            }
        }

        Assert.Empty(wrong);
    }

    [Theory]
    [MemberData(nameof(Actors))]
    public async Task EveryExport_GivesEachActorExactlyItsAnswer(string actor)
    {
        var client = actor == Anonymous ? app.CreateHttpClient() : await app.CreateSignedInClientAsync(actor);
        var wrong = new List<string>();

        foreach (var (path, allowed) in MayDownload)
        {
            var response = await client.GetAsync(path);
            var expected = allowed.Contains(actor) ? "the file" : actor == Anonymous ? "redirect to login" : "access denied";
            var got = response.StatusCode == HttpStatusCode.OK
                ? response.Content.Headers.ContentType?.MediaType == "text/csv" ? "the file" : $"200 {response.Content.Headers.ContentType}"
                : await OutcomeAsync(client, response, path);
            if (got != expected)
            {
                wrong.Add($"{actor} {path}: expected {expected}, got {got}");
            }
        }

        Assert.Empty(wrong);
    }

    /// <summary>What the actor got: the page itself, a redirect to the login form, or the access-denied notice.</summary>
    private static async Task<string> OutcomeAsync(HttpClient client, HttpResponseMessage response, string path)
    {
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var html = await response.Content.ReadAsStringAsync();
            return html.Contains("data-testid=\"access-denied\"") ? "access-denied notice on a 200" : "the page";
        }
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is not { } location)
        {
            return $"{(int)response.StatusCode}";
        }
        var target = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
        var returnUrl = $"ReturnUrl={Uri.EscapeDataString(path)}";
        if (target.StartsWith("/Account/Login?", StringComparison.Ordinal) && target.Contains(returnUrl))
        {
            return "redirect to login";
        }
        if (target.StartsWith("/Account/AccessDenied?", StringComparison.Ordinal) && target.Contains(returnUrl))
        {
            var notice = await client.GetAsync(target);
            var html = await notice.Content.ReadAsStringAsync();
            return notice.StatusCode == HttpStatusCode.OK && html.Contains("data-testid=\"access-denied\"") && html.Contains("whose role does not open this page")
                ? "access denied" : $"access-denied page without its notice ({(int)notice.StatusCode})";
        }
        return $"redirect to {target}";
    }

    /// <summary>A real value of the demo store for each route parameter.</summary>
    private async Task<IReadOnlyDictionary<string, string>> RouteValuesAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var order = await db.Orders.OrderBy(o => o.Id).Select(o => new { o.Number, o.TrackingToken }).FirstAsync();
        return new Dictionary<string, string>
        {
            ["{Sku}"] = await db.Products.OrderBy(p => p.Id).Select(p => p.Sku).FirstAsync(),
            ["{Number}"] = order.Number,
            ["{Token}"] = order.TrackingToken,
            ["{Id}"] = (await db.PurchaseOrders.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var path = template;
        foreach (var (name, value) in values)
        {
            path = path.Replace(name, Uri.EscapeDataString(value), StringComparison.Ordinal);
        }
        Assert.DoesNotContain("{", path);
        return path;
    }
}
