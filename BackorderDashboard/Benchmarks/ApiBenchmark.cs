using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Api;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>One HTTP load run: requests per second and the 99th percentile latency.</summary>
public sealed record HttpLoadResult(string Scenario, double RequestsPerSecond, double P99Ms, long Requests, long Errors);

/// <summary>
/// The storefront's calls under load, on loopback, with a real HTTP load generator (<c>wrk</c>, from Debian): the
/// whole app started on a new demo store (a temporary database, deleted afterwards), a key made as an admin makes
/// one, and each call driven at 50 connections beside the cheapest call of the same app (<c>/api/v1/ping</c>: the
/// key checked, nothing read) as the yardstick. Then one call is repeated many times to see the app's memory stay
/// flat.
/// </summary>
public static class ApiBenchmark
{
    public static async Task<int> RunAsync(int seconds, long memoryRequests, TextWriter output, CancellationToken ct = default)
    {
        if (!CommandExists("wrk"))
        {
            await output.WriteLineAsync("The API benchmark drives the app with wrk: apt-get install wrk");
            return 1;
        }
        var folder = Path.Combine(Path.GetTempPath(), $"backorders-api-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:DefaultConnection"] = $"Data Source={Path.Combine(folder, "store.db")}",
                ["Demo:SeedData"] = "true",
                ["DataProtection:KeysFolder"] = Path.Combine(folder, "keys"),
                ["Logging:LogLevel:Default"] = "Warning",
                ["RateLimits:ApiPerKeyPerMinute"] = "1000000000",
                ["RateLimits:EmbedPerAddressPerMinute"] = "1000000000",
                ["RateLimits:StoreWebhooksPerAddressPerMinute"] = "1000000000",
                [StoreWebhookSecrets.ConfigurationKey(StorePlatform.Shopify)] = WebhookSecret,
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddBackorderDashboard(builder.Configuration, builder.Environment);
            await using var app = builder.Build();
            app.MapBackorderDashboard();
            await DatabaseSetup.InitializeAsync(app.Services);
            await app.StartAsync(ct);
            var baseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

            string key;
            List<string> skus;
            List<string> webhookSkus;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                key = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
                    .CreateAsync("Benchmark", Access.Scopes.All, Actor.SystemVia(ActorChannel.CommandLine), ct)).Key;
                await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
                skus = await db.Products.OrderBy(p => p.Id).Select(p => p.Sku).Take(50).ToListAsync(ct);
                // The shop's orders are for products that can be sold out of stock, so each one can be taken.
                webhookSkus = await db.Products.Where(p => p.BackorderPolicy != BackorderPolicy.NotAllowed && !p.Discontinued && p.ArchivedAt == null
                        && p.PreorderReleaseDate == null && p.BackorderCap == null)
                    .OrderBy(p => p.Id).Select(p => p.Sku).Take(5).ToListAsync(ct);
            }
            var auth = $"Authorization: Bearer {key}";
            var one = $"{baseUrl}/api/v1/availability?sku={Uri.EscapeDataString(skus[0])}";
            var fifty = $"{baseUrl}/api/v1/availability?{string.Join("&", skus.Select(s => "sku=" + Uri.EscapeDataString(s)))}";

            // Warm up the JIT and the caches before anything is timed.
            await WrkAsync("warm-up", $"{baseUrl}/api/v1/ping", auth, 3, ct);
            await WrkAsync("warm-up", one, auth, 3, ct);
            var results = new List<HttpLoadResult>
            {
                await WrkAsync("ping (yardstick: key checked, nothing read)", $"{baseUrl}/api/v1/ping", auth, seconds, ct),
                await WrkAsync("availability, 1 SKU", one, auth, seconds, ct),
                await WrkAsync("availability, 50 SKUs", fifty, auth, seconds, ct),
            };
            var embed = $"{baseUrl}/embed/availability?sku={Uri.EscapeDataString(skus[0])}";
            using (var probe = new HttpClient())
            {
                if ((await probe.GetAsync(embed, ct)).IsSuccessStatusCode)
                {
                    results.Add(await WrkAsync("public badge endpoint, 1 SKU", embed, null, seconds, ct));
                }
            }
            var (orders, orderLoad) = await OrderLoadAsync(app.Services, baseUrl, key, skus.Take(5).ToList(), folder, seconds, ct);
            results.Add(orderLoad);
            var (webhookLoad, webhookLine) = await ShopifyLoadAsync(app.Services, baseUrl, webhookSkus, folder, seconds, ct);
            results.Add(webhookLoad);
            Print(results, output);
            await output.WriteLineAsync(webhookLine);
            var problems = await InvariantProblemsAsync(app.Services, ct);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"\nOrders placed under load: {orderLoad.Requests:N0} posts, {orders:N0} orders stored; the store's invariants: {(problems.Count == 0 ? "all kept" : string.Join(" ", problems.Take(5)))}"));

            // Memory over many requests: the managed heap and the working set after a full collection, before and after.
            var (heapBefore, setBefore) = Memory();
            var long_run = await WrkAsync("availability, 1 SKU, memory run", one, auth, 0, ct, memoryRequests);
            var (heapAfter, setAfter) = Memory();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"\nMemory over {long_run.Requests:N0} availability calls ({long_run.RequestsPerSecond:N0}/s, {long_run.Errors} errors): managed heap {heapBefore / 1048576.0:0.0} → {heapAfter / 1048576.0:0.0} MB, working set {setBefore / 1048576.0:0} → {setAfter / 1048576.0:0} MB"));
            await app.StopAsync(ct);
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Orders posted at 50 connections, each with its own idempotency key, over five products with a little stock
    /// each, so most of them take the last units or queue behind each other.
    /// </summary>
    private static async Task<(int Orders, HttpLoadResult Load)> OrderLoadAsync(IServiceProvider services, string baseUrl, string key, List<string> skus,
        string folder, int seconds, CancellationToken ct)
    {
        int before;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct))
        {
            before = await db.Orders.CountAsync(ct);
        }
        var script = Path.Combine(folder, "orders.lua");
        var skuList = string.Join(", ", skus.Select(s => $"\"{s}\""));
        await File.WriteAllTextAsync(script, $$"""
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("id", threads)
            end
            local counter = 0
            local skus = { {{skuList}} }
            function request()
              counter = counter + 1
              local sku = skus[(counter % #skus) + 1]
              local body = '{"customer":{"email":"load' .. id .. '-' .. counter .. '@example.com","name":"Load ' .. counter .. '"},'
                .. '"shipPolicy":"ship-available","lines":[{"sku":"' .. sku .. '","quantity":' .. ((counter % 3) + 1) .. ',"unitPriceCents":1990}]}'
              return wrk.format("POST", "/api/v1/orders", {
                ["Content-Type"] = "application/json",
                ["Authorization"] = "Bearer {{key}}",
                ["Idempotency-Key"] = "load-" .. id .. "-" .. counter,
              }, body)
            end
            """, ct);
        var load = await WrkAsync("order POST under load (50 connections)", $"{baseUrl}/api/v1/orders", null, seconds, ct, script: script);
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct))
        {
            return (await db.Orders.CountAsync(ct) - before, load);
        }
    }

    private const string WebhookSecret = "benchmark-shopify-signing-secret";

    /// <summary>
    /// Shopify's <c>orders/create</c> deliveries at 50 connections, each signed as Shopify signs them and each a new
    /// order of its own (5,000 distinct bodies, then the same ones again under new event ids, which become nothing
    /// more). The shop needs its answer within 5 s; the answer comes from the inbox, and the line after the table says
    /// how long the worker took to take the orders after the load.
    /// </summary>
    private static async Task<(HttpLoadResult Load, string Summary)> ShopifyLoadAsync(IServiceProvider services, string baseUrl, List<string> skus,
        string folder, int seconds, CancellationToken ct)
    {
        const int Bodies = 5000;
        var script = Path.Combine(folder, "shopify.lua");
        var lua = new System.Text.StringBuilder("local bodies = {\n");
        var created = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        for (var i = 0; i < Bodies; i++)
        {
            var id = 7_000_000_000L + i;
            var body = $$"""{"id":{{id}},"name":"#B{{i}}","order_number":{{i}},"email":"shop{{i}}@example.com","created_at":"{{created}}","updated_at":"{{created}}","customer":{"first_name":"Shop","last_name":"Buyer {{i}}"},"line_items":[{"sku":"{{skus[i % skus.Count]}}","quantity":{{i % 3 + 1}},"price":"19.90"}]}""";
            var signature = StoreWebhookReceiver.Sign(WebhookSecret, System.Text.Encoding.UTF8.GetBytes(body));
            lua.Append("  { [==[").Append(body).Append("]==], \"").Append(signature).Append("\" },\n");
        }
        lua.Append("}\n");
        lua.Append("""
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("id", threads)
            end
            local counter = 0
            function request()
              counter = counter + 1
              local item = bodies[((counter * 2 + id) % #bodies) + 1]
              return wrk.format("POST", "/webhooks/shopify", {
                ["Content-Type"] = "application/json",
                ["X-Shopify-Topic"] = "orders/create",
                ["X-Shopify-Event-Id"] = "bench-" .. id .. "-" .. counter,
                ["X-Shopify-Hmac-SHA256"] = item[2],
              }, item[1])
            end
            """);
        await File.WriteAllTextAsync(script, lua.ToString(), ct);
        var load = await WrkAsync("Shopify orders/create deliveries (answered from the inbox)", $"{baseUrl}/webhooks/shopify", null, seconds, ct, script: script);

        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var drain = Stopwatch.StartNew();
        int waiting;
        do
        {
            await Task.Delay(200, ct);
            await using var db = await factory.CreateDbContextAsync(ct);
            waiting = await db.WebhookInbox.CountAsync(d => d.Platform == StorePlatform.Shopify && d.State == DeliveryState.Received, ct);
        }
        while (waiting > 0 && drain.Elapsed < TimeSpan.FromMinutes(10));
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var stored = await db.WebhookInbox.CountAsync(d => d.Platform == StorePlatform.Shopify, ct);
            var failed = await db.WebhookInbox.CountAsync(d => d.Platform == StorePlatform.Shopify && d.State == DeliveryState.Failed, ct);
            var orders = await db.Orders.CountAsync(o => o.Channel == OrderChannel.Shopify, ct);
            // wrk counts the answers that came within its time; the ones still on their way then are stored too.
            var distinct = Math.Min(stored, Bodies);
            return (load, string.Create(CultureInfo.InvariantCulture,
                $"\nShopify deliveries: {load.Requests:N0} answered in the timed run (p99 {load.P99Ms:0.0} ms; Shopify waits 5,000 ms), {stored:N0} stored in all, {orders:N0} orders taken for {distinct:N0} distinct store orders, {failed} failed; "
                + $"the worker had taken every one {drain.Elapsed.TotalSeconds:0.0} s after the load ended{(waiting > 0 ? $" (still {waiting} waiting)" : "")}."));
        }
    }

    /// <summary>What must hold whatever was done: stock within bounds, totals equal to the ledger and to the lines, every unit of a line accounted for.</summary>
    private static async Task<List<string>> InvariantProblemsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        var problems = new List<string>();
        var ledger = (await db.StockLedger.GroupBy(e => e.ProductId)
            .Select(g => new { g.Key, OnHand = g.Sum(e => (long)e.OnHandDelta), Allocated = g.Sum(e => (long)e.AllocatedDelta) }).ToListAsync(ct))
            .ToDictionary(x => x.Key);
        var held = (await db.OrderLines.GroupBy(l => l.ProductId).Select(g => new { g.Key, Allocated = g.Sum(l => l.QtyAllocated) }).ToListAsync(ct))
            .ToDictionary(x => x.Key, x => x.Allocated);
        foreach (var p in await db.Products.AsNoTracking().ToListAsync(ct))
        {
            var sums = ledger.GetValueOrDefault(p.Id);
            if (p.OnHand < 0 || p.Allocated < 0 || p.Allocated > p.OnHand)
            {
                problems.Add($"{p.Sku}: on hand {p.OnHand}, allocated {p.Allocated}.");
            }
            if ((sums?.OnHand ?? 0) != p.OnHand || (sums?.Allocated ?? 0) != p.Allocated || held.GetValueOrDefault(p.Id) != p.Allocated)
            {
                problems.Add($"{p.Sku}: totals {p.OnHand}/{p.Allocated}, ledger {sums?.OnHand ?? 0}/{sums?.Allocated ?? 0}, lines hold {held.GetValueOrDefault(p.Id)}.");
            }
        }
        var unbalanced = await db.OrderLines.CountAsync(l => l.Qty != l.QtyAllocated + l.QtyShipped + l.QtyCancelled + l.QtyUnfilled, ct);
        if (unbalanced > 0)
        {
            problems.Add($"{unbalanced} lines whose units don't add up.");
        }
        return problems;
    }

    private static (long Heap, long WorkingSet) Memory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64);
    }

    public static void Print(IReadOnlyList<HttpLoadResult> results, TextWriter output)
    {
        var yardstick = results[0];
        output.WriteLine();
        output.WriteLine("| call (50 connections, wrk) | requests/s | p99 ms | share of the yardstick's requests/s | p99 ÷ yardstick's p99 | errors |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.RequestsPerSecond:N0} | {r.P99Ms:0.0} | {r.RequestsPerSecond / yardstick.RequestsPerSecond:0.00} | {r.P99Ms / yardstick.P99Ms:0.00}× | {r.Errors} |"));
        }
    }

    /// <summary>wrk at 50 connections for <paramref name="seconds"/> (or until about <paramref name="requests"/> are made).</summary>
    private static async Task<HttpLoadResult> WrkAsync(string scenario, string url, string? header, int seconds, CancellationToken ct, long requests = 0,
        string? script = null)
    {
        if (requests > 0)
        {
            // wrk runs for a time: aim at the request count from a short measured run.
            var probe = await WrkAsync(scenario, url, header, 3, ct);
            seconds = (int)Math.Clamp(Math.Ceiling(requests / Math.Max(1, probe.RequestsPerSecond)), 5, 3600);
        }
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-t", "2", "-c", "50", "-d", $"{seconds}s", "--latency" })
        {
            start.ArgumentList.Add(arg);
        }
        if (header is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add(header);
        }
        if (script is not null)
        {
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(script);
        }
        start.ArgumentList.Add(url);
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var rps = Number(text, @"Requests/sec:\s+([\d.]+)");
        var p99 = Latency(text, @"99%\s+([\d.]+)(us|ms|s)\b");
        var total = (long)Number(text, @"(\d+) requests in");
        var non2xx = (long)Number(text, @"Non-2xx or 3xx responses:\s+(\d+)");
        var socket = Regex.Match(text, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)");
        var errors = non2xx + (socket.Success ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value, CultureInfo.InvariantCulture)) : 0);
        return new HttpLoadResult(scenario, rps, p99, total, errors);
    }

    private static double Number(string text, string pattern) =>
        Regex.Match(text, pattern) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    private static double Latency(string text, string pattern)
    {
        var m = Regex.Match(text, pattern);
        if (!m.Success)
        {
            return 0;
        }
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static bool CommandExists(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, name)));
}
