using System.Net;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// Outside Development an error shows the app's error page and nothing of the exception: no type, message or stack
/// trace (those go to the log). A request path that throws stands in for any failure inside the app's pipeline.
/// </summary>
public sealed class ProductionErrorPageTests : IAsyncLifetime
{
    private const string ThrowingPath = "/test-only/throws";
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"backorders-production-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program> _app = null!;

    public Task InitializeAsync()
    {
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={_dbPath}");
            builder.UseSetting("Demo:SeedData", "false");
            builder.UseSetting("Demo:SeedUsers", "false");
            builder.UseSetting("Logging:LogLevel:Default", "None");
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ThrowingEndpoint>());
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task UnhandledError_InProduction_ShowsTheErrorPage_WithoutTheException()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(ThrowingPath);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong.", html);
        Assert.DoesNotContain(ThrowingEndpoint.Secret, html);
        Assert.DoesNotContain("InvalidOperationException", html);
        Assert.DoesNotContain("Development Mode", html);
        Assert.DoesNotContain("   at ", html, StringComparison.Ordinal);
    }

    /// <summary>A path that fails inside the app's pipeline (after its error handling is in place).</summary>
    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public const string Secret = "internal detail 7f3a";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate rest) => context.Request.Path == ThrowingPath
                ? throw new InvalidOperationException(Secret)
                : rest(context));
        };
    }
}
