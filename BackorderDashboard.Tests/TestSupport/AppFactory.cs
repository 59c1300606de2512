using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// The whole app on a real Kestrel port with its own temporary SQLite database, migrated and seeded with the demo
/// store and logins exactly as on a first run, sending its messages to a real SMTP server (<see cref="Mail"/>).
/// Shared by the integration and browser tests (one start, one seed).
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    /// <summary>SKUs of products a test adds to the shared store: after the demo SKUs, so lists read first are unchanged.</summary>
    public const string TestSkuPrefix = "ZZ";

    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"backorders-app-{Guid.NewGuid():N}.db");
    private readonly string _keysFolder = Path.Combine(Path.GetTempPath(), $"backorders-app-keys-{Guid.NewGuid():N}");

    public AppFactory()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Mail = SmtpSink.StartNewAsync().GetAwaiter().GetResult();
    }

    /// <summary>The mail server the app's dispatcher delivers to: what customers would have received.</summary>
    public SmtpSink Mail { get; }

    /// <summary>
    /// The app's clock: it starts at <see cref="AppClock.DefaultStart"/> and runs on, so the demo store is seeded
    /// around the same day on every run and a test computes its expected dates from this clock, not the machine's.
    /// </summary>
    public AppClock Clock { get; } = new();

    /// <summary>Base address for browsers: "localhost", as the passkey script refuses an IP origin.</summary>
    public string BaseUrl
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return $"http://localhost:{new Uri(address).Port}";
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={_dbPath}");
        // The demo store and logins every test here reads and signs in with, asked for as a real install would.
        builder.UseSetting("Demo:SeedData", "true");
        builder.UseSetting("Demo:SeedUsers", "true");
        builder.UseSetting("DataProtection:KeysFolder", _keysFolder);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("DetailedErrors", "true");
        builder.UseSetting("Smtp:Host", "127.0.0.1");
        builder.UseSetting("Smtp:Port", Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Smtp:Security", "None");
        builder.UseSetting("Smtp:PollSeconds", "0.3");
        // Every test signs in from the loopback address; the limits themselves are tested on an app of their own.
        builder.UseSetting("RateLimits:SignInPerAddressPerMinute", "1000000");
        builder.UseSetting("RateLimits:SignInPerAccountPerFiveMinutes", "1000000");
        builder.UseSetting("RateLimits:TrackingPerAddressPerMinute", "1000000");
        builder.UseSetting("RateLimits:ApiPerKeyPerMinute", "1000000");
        builder.UseSetting("RateLimits:ApiRefusedKeysPerAddressPerMinute", "1000000");
        builder.UseSetting("RateLimits:EmbedPerAddressPerMinute", "1000000");
        builder.UseSetting("RateLimits:StoreWebhooksPerAddressPerMinute", "1000000");
        // The shops' signing secrets as configured; the store webhook tests sign their deliveries with them.
        builder.UseSetting("Connectors:Shopify:WebhookSecret", BackorderDashboard.Tests.Features.Integrations.StoreWebhookFixtures.ShopifySecret);
        builder.UseSetting("Connectors:WooCommerce:WebhookSecret", BackorderDashboard.Tests.Features.Integrations.StoreWebhookFixtures.WooSecret);
        builder.UseSetting("Connectors:PollSeconds", "0.3");
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    /// <summary>A client of the real server that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient CreateHttpClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>An HTTP client signed in through the real login form (antiforgery token and all).</summary>
    public async Task<HttpClient> CreateSignedInClientAsync(string email, string password = BackorderDashboard.Data.DemoOptions.Password)
    {
        var client = CreateHttpClient();
        var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("Account/") == true)
        {
            throw new InvalidOperationException($"Login as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Mail.DisposeAsync();
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

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFactory>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "App";
}

/// <summary>
/// The accessibility walk over every page, on an app of its own: it only reads the demo store (its own logins aside),
/// and runs beside the other browser tests instead of after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AccessibilityAppCollection : ICollectionFixture<AppFactory>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "Accessibility app";
}

/// <summary>The layout walk over every page at each width, on an app of its own, beside the other browser tests.</summary>
[CollectionDefinition(Name)]
public sealed class LayoutAppCollection : ICollectionFixture<AppFactory>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "Layout app";
}

/// <summary>The REST API and the storefront embed, on an app of their own: HTTP calls with keys, beside the browser tests.</summary>
[CollectionDefinition(Name)]
public sealed class ApiAppCollection : ICollectionFixture<AppFactory>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "API app";
}
