using System.Collections.Concurrent;
using System.Net;
using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// The app started as a real install starts it: the Production environment, an empty database, no demo settings.
/// Each test has its own database and keys folder; <see cref="ProductionApp"/> starts the app on them.
/// </summary>
public sealed class ProductionStartTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"backorders-prod-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "store.db");

    private ProductionApp Start(params (string Key, string Value)[] settings) =>
        new(DatabasePath, [("DataProtection:KeysFolder", Path.Combine(_folder, "keys")), .. settings]);

    private static async Task<int> CountAsync(ProductionApp app, Func<AppDbContext, Task<int>> count)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await count(db);
    }

    [Fact]
    public async Task ProductionStart_EmptyDatabase_HasNoLoginNoDemoStoreAndNoPasswordInTheLog()
    {
        await using var app = Start();
        using var client = app.CreateBrowserClient();

        var login = await client.GetStringAsync("/Account/Login");
        var demoSignIn = await AppFactory.PostLoginAsync(client, "admin@example.com", DemoOptions.Password);

        Assert.Equal(0, await CountAsync(app, db => db.Users.CountAsync()));
        Assert.Equal(0, await CountAsync(app, db => db.Products.CountAsync()));
        Assert.Equal(0, await CountAsync(app, db => db.Orders.CountAsync()));
        Assert.Equal(4, await CountAsync(app, db => db.Roles.CountAsync()));
        Assert.DoesNotContain("admin@example.com", login);
        Assert.DoesNotContain(DemoOptions.Password, login);
        Assert.Equal(HttpStatusCode.OK, demoSignIn.StatusCode); // the form again, with its error: no redirect into the app
        Assert.Contains("Invalid e-mail or password", await demoSignIn.Content.ReadAsStringAsync());
        Assert.NotEmpty(app.Log);
        Assert.DoesNotContain(app.Log, line => line.Contains(DemoOptions.Password));
    }

    [Fact]
    public async Task ProductionStart_DemoLoginsAskedFor_LogsTheirNamesButNeverThePassword()
    {
        await using var app = Start(("Demo:SeedUsers", "true"));
        _ = app.Services;

        Assert.Equal(DemoOptions.Logins.Count, await CountAsync(app, db => db.Users.CountAsync()));
        Assert.Equal(0, await CountAsync(app, db => db.Products.CountAsync()));
        Assert.Contains(app.Log, line => line.Contains("Created the demo logins") && line.Contains("admin@example.com"));
        Assert.DoesNotContain(app.Log, line => line.Contains(DemoOptions.Password));
    }

    [Fact]
    public async Task FirstAdmin_FromTheCommandLine_SignsInAndStaysSignedInAcrossARestart()
    {
        const string password = "a long passphrase for the owner";
        string cookie;
        string protectedPayload;
        await using (var first = Start())
        {
            using var client = first.CreateBrowserClient();
            var before = await AppFactory.PostLoginAsync(client, "owner@shop.test", password);
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

            var exit = await Commands.RunAsync(
                ["user", "create", "--email", "owner@shop.test", "--role", "Admin", $"--ConnectionStrings:DefaultConnection=Data Source={DatabasePath}"],
                new StringReader(password + "\n"), TextWriter.Null, TextWriter.Null);
            Assert.Equal(0, exit);

            var signIn = await AppFactory.PostLoginAsync(client, "owner@shop.test", password);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.DoesNotContain("Account/", signIn.Headers.Location!.OriginalString);
            cookie = signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])
                .Single(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
            protectedPayload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("restart test").Protect("still readable");
        }
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_folder, "keys"), "key-*.xml"));

        await using var second = Start();
        using var stranger = second.CreateBrowserClient();
        using var returning = second.CreateBrowserClient();
        returning.DefaultRequestHeaders.Add("Cookie", cookie);

        var anonymous = await stranger.GetAsync("/admin/users");
        var signedIn = await returning.GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("Account/Login", anonymous.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("owner@shop.test", await signedIn.Content.ReadAsStringAsync());
        Assert.Equal("still readable",
            second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("restart test").Unprotect(protectedPayload));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>The app in the Production environment on a given database, with every log line it writes kept in <see cref="Log"/>.</summary>
public sealed class ProductionApp(string databasePath, IReadOnlyList<(string Key, string Value)> settings) : WebApplicationFactory<Program>
{
    private readonly ConcurrentQueue<string> _log = new();

    public IReadOnlyCollection<string> Log => _log;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={databasePath}");
        builder.UseSetting("Logging:LogLevel:Default", "Information");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(new QueueLoggerProvider(_log)));
    }

    /// <summary>A client that keeps the antiforgery cookie and shows redirects instead of following them.</summary>
    public HttpClient CreateBrowserClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
