using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Claims;
using System.Text.RegularExpressions;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// Every page of the app, found by its <c>[Route]</c> attributes, opened over HTTP with bad values in each of its route
/// and query parameters one at a time (by one role that may open it) and all together (by every role that may): no answer is an error
/// (only 200, 302, 400 or 404), a staff page answers 200 with a notice for a value it cannot read, and the app logs no
/// error meanwhile. A page with a parameter this sweep does not know fails the test until the parameter is added
/// to <see cref="QueryValues"/> or <see cref="RouteValues"/>.
/// </summary>
[Collection(AppCollection.Name)]
public class AddressSweepTests(AppFactory app, ITestOutputHelper output)
{
    /// <summary>What an address can carry that a page must survive.</summary>
    private static readonly string[] BadValues =
    [
        "abc", "-1", "0", "2147483648", "9223372036854775808", "", new string('x', 5000), "<script>alert(1)</script>", "\0",
        "1100-01-01", "9999-12-31", "2026-02-30", "nonsense",
    ];

    private enum Reading
    {
        /// <summary>A number, a date or a name from a list: letters in it give a notice.</summary>
        Typed,

        /// <summary>Free text used as a filter: 5,000 characters give a notice.</summary>
        Text,

        /// <summary>Used as given (a search box's text, an account link's code): any value is a page, never an error.</summary>
        AsGiven,
    }

    private sealed record Known(string Good, Reading Reading);

    /// <summary>Every query parameter of every page, with a value that is good in the demo store and how the page reads it.</summary>
    private static readonly Dictionary<string, Known> QueryValues = new(StringComparer.OrdinalIgnoreCase)
    {
        ["q"] = new("kettle", Reading.Text),
        ["status"] = new("lowstock", Reading.Typed),
        ["category"] = new("1", Reading.Typed),
        ["supplier"] = new("1", Reading.Typed),
        ["product"] = new("{sku}", Reading.Text),
        ["customer"] = new("a", Reading.Text),
        ["age"] = new("8-14", Reading.Typed),
        ["late"] = new("true", Reading.Typed),
        ["days"] = new("3", Reading.Typed),
        ["policy"] = new("complete", Reading.Typed),
        ["orders"] = new("{order}", Reading.Text),
        ["message"] = new("1", Reading.Typed),
        // Where a list paged by its key starts: the id of the row it follows or precedes.
        ["after"] = new("1", Reading.Typed),
        ["before"] = new("1", Reading.Typed),
        ["state"] = new("failed", Reading.Typed),
        ["kind"] = new("shipped", Reading.Typed),
        ["overdue"] = new("true", Reading.Typed),
        ["po"] = new("{po}", Reading.Typed),
        ["range"] = new("custom", Reading.Typed),
        ["from"] = new("{from}", Reading.Typed),
        ["to"] = new("{to}", Reading.Typed),
        ["group"] = new("week", Reading.Typed),
        ["channel"] = new("web", Reading.Typed),
        ["tier"] = new("vip", Reading.Typed),
        ["open"] = new("true", Reading.Typed),
        ["ship"] = new("complete", Reading.Typed),
        ["reauth"] = new("true", Reading.Typed),
        // The storefront badge preview: a SKU as a shop page would write it; an unknown one shows its notice.
        ["sku"] = new("{sku}", Reading.AsGiven),
        // The sign-in pages' own parameters.
        ["ReturnUrl"] = new("/", Reading.AsGiven),
        ["UserId"] = new("no-such-user", Reading.AsGiven),
        ["Code"] = new("Q0RF", Reading.AsGiven),
        ["Email"] = new("someone@example.com", Reading.AsGiven),
        ["Action"] = new("LinkLoginCallback", Reading.AsGiven),
        ["RemoteError"] = new("denied", Reading.AsGiven),
        ["RememberMe"] = new("true", Reading.AsGiven),
    };

    /// <summary>Every route parameter, by page address, with a value that opens a record of the demo store.</summary>
    private static readonly Dictionary<string, string> RouteValues = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/products/{Sku}:Sku"] = "{sku}",
        ["/products/{Sku}/edit:Sku"] = "{sku}",
        ["/orders/{Number}:Number"] = "{order}",
        ["/purchase-orders/{Id}:Id"] = "{po}",
        ["/customers/{Id}:Id"] = "1",
        ["/track/{Token}:Token"] = "{token}",
        ["/Account/Manage/RenamePasskey/{Id}:Id"] = "no-such-passkey",
    };

    /// <summary>A page that shows a component reading the address, and the mark of the component in the page (not every role sees it).</summary>
    private sealed record Host(Type Page, string Marker);

    /// <summary>Components that read the address of the page they are on, and that page (none: on no page).</summary>
    private static readonly Dictionary<Type, Host?> Hosts = new()
    {
        [typeof(ProductKpiSection)] = new(typeof(ProductDetailPage), "data-testid=\"product-kpi\""),
        // The sign-in template's picker of external logins: the app has none, so no page shows it.
        [typeof(BackorderDashboard.Components.Account.Shared.ExternalLoginPicker)] = null,
    };

    private sealed record Page(Type Component, string Template, IReadOnlyList<string> RouteParameters, IReadOnlyList<string> QueryParameters,
        IReadOnlyDictionary<string, string> ShownWith);

    private sealed record Probe(string Url, bool RouteVaried, string? NoticeFor, bool Together = false);

    [Fact]
    public async Task EveryPage_BadValuesInEveryParameter_NeverAnErrorAndNoErrorLogged()
    {
        var pages = Pages();
        var sample = await SampleAsync();
        var log = new ErrorLog();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);
        var clients = new Dictionary<string, HttpClient> { [""] = app.CreateHttpClient() };
        foreach (var email in AppPages.Users)
        {
            clients[email] = await app.CreateSignedInClientAsync(email);
        }
        var failures = new ConcurrentQueue<string>();
        var requests = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var work = new List<(string Who, Page Page, Probe Probe)>();
            foreach (var page in pages)
            {
                // Each parameter alone for one role; the page as such and all parameters at once for every role that may open it.
                var probes = Probes(page, sample).ToList();
                var who = await WhoMayOpenAsync(page.Component);
                work.AddRange(probes.Select(p => (who[0], page, p)));
                work.AddRange(who.Skip(1).SelectMany(w => probes.Where(p => p.Together).Select(p => (w, page, p))));
            }
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, ct) =>
            {
                using var response = await clients[item.Who].GetAsync(item.Probe.Url, ct);
                Interlocked.Increment(ref requests);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (Problem(item.Page, item.Probe, response.StatusCode, body) is { } problem)
                {
                    failures.Enqueue($"{(item.Who == "" ? "anonymous" : item.Who)} GET {Shorten(item.Probe.Url)}: {problem}");
                }
            });
        }
        finally
        {
            log.Stop();
        }

        output.WriteLine($"Address sweep: {pages.Count} pages, {requests} requests in {watch.Elapsed.TotalSeconds:F1} s, {failures.Count} bad answers, "
            + $"{log.Errors.Count} errors logged.");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(30)));
        Assert.True(log.Errors.IsEmpty, string.Join("\n", log.Errors.Take(10)));
        Assert.True(requests > 800, $"only {requests} requests");
    }

    [Fact]
    public void EveryPage_HasOnlyParametersTheSweepKnows()
    {
        var pages = Pages();

        Assert.Contains(pages, p => p.Template == "/kpi" && p.QueryParameters.Contains("from"));
        Assert.Contains(pages, p => p.Template == "/products/{Sku}" && p.QueryParameters.Contains("range"));
        Assert.Contains(pages, p => p.Template == "/purchase-orders/{Id}" && p.RouteParameters.SequenceEqual(["Id"]));
        Assert.True(pages.Count > 40, $"only {pages.Count} pages found");
    }

    [Fact]
    public async Task KpiExport_BadParameter_Answers400WithProblemDetailsNamingIt()
    {
        (string Query, string Parameter)[] cases =
        [
            ("range=custom&from=1100-01-01&to=2026-11-22", "from"),
            ("range=custom&from=2026-11-01&to=2026-02-30", "to"),
            ("range=custom&from=2000-01-01&to=2026-11-01&group=day", "from"),
            ("range=forever", "range"),
            ("group=century", "group"),
            ("category=abc", "category"),
            ("supplier=2147483648", "supplier"),
            ("channel=fax", "channel"),
        ];
        var client = await app.CreateSignedInClientAsync("manager@example.com");

        foreach (var (query, parameter) in cases)
        {
            using var response = await client.GetAsync($"/kpi/export/backorder-rate.csv?{query}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(parameter, out var messages), $"{query}: {problem.RootElement}");
            Assert.Contains(messages.EnumerateArray(), m => !string.IsNullOrEmpty(m.GetString()));
        }
        using var good = await client.GetAsync(
            $"/kpi/export/backorder-rate.csv?range=custom&from={app.Clock.GetUtcNow().AddDays(-60):yyyy-MM-dd}&to={app.Clock.GetUtcNow().AddDays(-1):yyyy-MM-dd}&group=month&channel=web");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("text/csv", good.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>What is wrong with an answer, or null.</summary>
    private static string? Problem(Page page, Probe probe, HttpStatusCode status, string body)
    {
        var account = page.Component.Namespace!.Contains(".Account", StringComparison.Ordinal);
        HttpStatusCode[] allowed = probe.RouteVaried || account
            ? [HttpStatusCode.OK, HttpStatusCode.Redirect, HttpStatusCode.BadRequest, HttpStatusCode.NotFound]
            : [HttpStatusCode.OK];
        if (!allowed.Contains(status))
        {
            return $"answered {(int)status}";
        }
        if (body.Contains("   at ", StringComparison.Ordinal) && body.Contains("Exception", StringComparison.Ordinal))
        {
            return "shows a stack trace";
        }
        var shown = probe.NoticeFor is { } read && (!page.ShownWith.TryGetValue(read, out var marker) || body.Contains(marker, StringComparison.Ordinal));
        if (shown && probe.NoticeFor is { } parameter && !body.Contains($"data-parameter=\"{parameter}\"", StringComparison.Ordinal))
        {
            return $"no notice about {parameter}";
        }
        return null;
    }

    /// <summary>The addresses to try on a page: each parameter bad on its own (the others good), then all of them bad at once.</summary>
    private static IEnumerable<Probe> Probes(Page page, IReadOnlyDictionary<string, string> sample)
    {
        string Fill(string value) => Regex.Replace(value, @"\{(\w+)\}", m => sample[m.Groups[1].Value]);
        var route = page.RouteParameters.ToDictionary(r => r, r => Fill(RouteValues[$"{page.Template}:{r}"]));
        var query = page.QueryParameters.ToDictionary(q => q, q => Fill(QueryValues[q].Good));
        string Url(IReadOnlyDictionary<string, string> routeValues, IReadOnlyDictionary<string, string> queryValues)
        {
            var path = Regex.Replace(page.Template, @"\{\*?(\w+)(:[^}]*)?\??\}", m => Uri.EscapeDataString(routeValues[m.Groups[1].Value]));
            var text = string.Join("&", queryValues.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
            return text.Length == 0 ? path : $"{path}?{text}";
        }

        yield return new Probe(Url(route, query), false, null, Together: true);
        foreach (var parameter in page.RouteParameters)
        {
            foreach (var bad in BadValues)
            {
                yield return new Probe(Url(new Dictionary<string, string>(route) { [parameter] = bad }, query), true, null);
            }
        }
        var staff = !page.Component.Namespace!.Contains(".Account", StringComparison.Ordinal);
        foreach (var parameter in page.QueryParameters)
        {
            var reading = QueryValues[parameter].Reading;
            foreach (var bad in BadValues)
            {
                var notice = staff && ((reading == Reading.Typed && bad == "abc") || (reading == Reading.Text && bad.Length == 5000)) ? parameter : null;
                yield return new Probe(Url(route, new Dictionary<string, string>(query) { [parameter] = bad }), false, notice);
            }
        }
        if (page.QueryParameters.Count > 1)
        {
            // Together: the same bad value everywhere, and a few mixes of one bad value each (the long value alone: an address has a length limit).
            var shortValues = BadValues.Where(b => b.Length < 100).ToArray();
            foreach (var bad in shortValues)
            {
                yield return new Probe(Url(route, page.QueryParameters.ToDictionary(q => q, _ => bad)), false, null, Together: true);
            }
            foreach (var shift in new[] { 1, 4, 7 })
            {
                yield return new Probe(Url(route, page.QueryParameters.Select((q, i) => (q, i))
                    .ToDictionary(x => x.q, x => shortValues[(x.i + shift) % shortValues.Length])), false, null, Together: true);
            }
        }
    }

    /// <summary>The app's pages from their route attributes, each with its route parameters and the query parameters it (or a part of it) reads.</summary>
    private static List<Page> Pages()
    {
        var components = typeof(Program).Assembly.GetTypes().Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        var unknown = new List<string>();
        var pages = new List<Page>();
        foreach (var component in components)
        {
            var routes = component.GetCustomAttributes<RouteAttribute>().ToList();
            var query = QueryNames(component);
            if (routes.Count == 0)
            {
                if (query.Count > 0 && !Hosts.ContainsKey(component))
                {
                    unknown.Add($"{component.Name} reads {string.Join(", ", query)} from the address but is not a page: add it to Hosts");
                }
                continue;
            }
            var hosted = Hosts.Where(h => h.Value?.Page == component).ToList();
            query = [.. query, .. hosted.SelectMany(h => QueryNames(h.Key))];
            foreach (var route in routes)
            {
                var parameters = Regex.Matches(route.Template, @"\{\*?(\w+)").Select(m => m.Groups[1].Value).ToList();
                unknown.AddRange(parameters.Where(p => !RouteValues.ContainsKey($"{route.Template}:{p}"))
                    .Select(p => $"{route.Template} has route parameter {p}: add a good value to RouteValues"));
                unknown.AddRange(query.Where(q => !QueryValues.ContainsKey(q)).Select(q => $"{route.Template} reads ?{q}=: add it to QueryValues"));
                pages.Add(new Page(component, route.Template, parameters, query.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                    hosted.SelectMany(h => QueryNames(h.Key).Select(q => (q, h.Value!.Marker))).ToDictionary(x => x.q, x => x.Marker)));
            }
        }
        Assert.True(unknown.Count == 0, "The sweep does not know how to vary:\n" + string.Join("\n", unknown.Distinct()));
        return pages;
    }

    private static List<string> QueryNames(Type component) =>
        component.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SupplyParameterFromQueryAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => p.Attribute!.Name ?? p.Property.Name)
            .ToList();

    /// <summary>The demo logins whose role the page's policy admits; "" (no login) for a page anyone may open.</summary>
    private async Task<IReadOnlyList<string>> WhoMayOpenAsync(Type component)
    {
        if (component.GetCustomAttribute<AllowAnonymousAttribute>() is not null)
        {
            return [""];
        }
        var attributes = component.GetCustomAttributes<AuthorizeAttribute>().ToList();
        if (attributes.Count == 0)
        {
            return [""];
        }
        var policy = await AuthorizationPolicy.CombineAsync(app.Services.GetRequiredService<IAuthorizationPolicyProvider>(), attributes);
        var authorization = app.Services.GetRequiredService<IAuthorizationService>();
        var who = new List<string>();
        foreach (var email in AppPages.Users)
        {
            var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, email), new Claim(ClaimTypes.Role, AppPages.RoleOf(email))], "test"));
            if ((await authorization.AuthorizeAsync(user, policy!)).Succeeded)
            {
                who.Add(email);
            }
        }
        Assert.True(who.Count > 0, $"{component.Name}: no demo login may open it");
        return who;
    }

    /// <summary>Good values from the demo store: a waiting line's product, order and tracking link, an open purchase order, a period of 30 days.</summary>
    private async Task<IReadOnlyDictionary<string, string>> SampleAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var line = await db.OrderLines.Where(l => l.QueuedAt != null && l.QtyUnfilled > 0).OrderBy(l => l.Id)
            .Select(l => new { l.Product.Sku, l.Order.Number, l.Order.TrackingToken }).FirstAsync();
        var po = await db.PurchaseOrders.OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        var today = app.Clock.GetUtcNow().UtcDateTime.Date;
        return new Dictionary<string, string>
        {
            ["sku"] = line.Sku,
            ["order"] = line.Number,
            ["token"] = line.TrackingToken,
            ["po"] = po.ToString(CultureInfo.InvariantCulture),
            ["from"] = today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    private static string Shorten(string url) => url.Length > 160 ? url[..160] + "…" : url;

    /// <summary>Errors the app logs while the sweep runs (the shared app's logger factory keeps it; <see cref="Stop"/> ends the recording).</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        private volatile bool _recording = true;

        public ConcurrentQueue<string> Errors { get; } = new();

        public void Stop() => _recording = false;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error && log._recording;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    log.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
                }
            }
        }
    }
}
