using System.Reflection;
using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Hosting;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace BackorderDashboard.Tests.Hosting;

/// <summary>The one composition root: what it registers, and the two things tests and tools replace (database, clock).</summary>
public class CompositionTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>The app's own types that its components inject (pages, dialogs, layout).</summary>
    private static List<Type> AppServiceTypes()
    {
        var app = typeof(BackorderDashboardServices).Assembly;
        return app.GetTypes()
            .Where(t => typeof(ComponentBase).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(p => p.GetCustomAttribute<InjectAttribute>() is not null && p.PropertyType.Assembly == app)
            .Select(p => p.PropertyType).Distinct().OrderBy(t => t.FullName).ToList();
    }

    public static TheoryData<Type> InjectedAppServices()
    {
        var data = new TheoryData<Type>();
        foreach (var type in AppServiceTypes())
        {
            data.Add(type);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InjectedAppServices))]
    public async Task AddBackorderDashboard_EveryAppServiceAComponentInjects_Resolves(Type service)
    {
        await using var services = TestServices.Create(_db);

        Assert.IsAssignableFrom(service, services.Services.GetRequiredService(service));
    }

    [Fact]
    public void InjectedAppServices_FindTheFeatureServices()
    {
        var found = AppServiceTypes();

        Assert.Contains(typeof(BackorderDashboard.Features.Products.ProductService), found);
        Assert.Contains(typeof(BackorderDashboard.Features.Kpi.KpiService), found);
    }

    [Fact]
    public async Task AddBackorderDashboardDatabase_CalledAgain_PointsEveryContextAtTheNewDatabase_WithOnePragmaInterceptor()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:DefaultConnection"] = "Data Source=elsewhere.db" }).Build();
        var environment = new HostingEnvironment { ApplicationName = "BackorderDashboard", EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory };
        var counter = new CommandCounter();
        var services = new ServiceCollection().AddLogging().AddBackorderDashboard(configuration, environment)
            .AddBackorderDashboardDatabase(_db.ConnectionString, counter);
        await using var provider = services.BuildServiceProvider();

        await using var db = await provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(_db.ConnectionString, db.Database.GetConnectionString());
        var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.Interceptors!.ToList();
        Assert.Single(interceptors.OfType<SqlitePragmas>());
        Assert.Same(counter, Assert.Single(interceptors.OfType<CommandCounter>()));
        Assert.Equal(0, await db.Products.CountAsync());
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task TestServices_ByDefault_HasTheTestsDatabaseAndClock_AndNoBackgroundServices()
    {
        var time = new FixedTimeProvider(TestServices.DefaultNow);
        await using var services = TestServices.Create(_db, time);
        await using var withBackground = TestServices.Create(_db, time, hostedServices: true);

        Assert.Same(_db, services.Get<IDbContextFactory<AppDbContext>>());
        Assert.Same(time, services.Get<TimeProvider>());
        Assert.Empty(services.Services.GetServices<IHostedService>());
        Assert.Equal(["BackorderValueRecorder", "DailyBackup", "KpiRollupRefresher", "OutboundWebhookDispatcher", "OutboxDispatcher", "StoreWebhookWorker"],
            withBackground.Services.GetServices<IHostedService>().Select(s => s.GetType())
                .Where(t => t.Assembly == typeof(BackorderDashboardServices).Assembly).Select(t => t.Name).Order());
    }
}
