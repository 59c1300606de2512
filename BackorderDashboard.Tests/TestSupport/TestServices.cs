using BackorderDashboard.Data;
using BackorderDashboard.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// The app's services exactly as <see cref="BackorderDashboardServices.AddBackorderDashboard"/> registers them, with
/// the test's database as the context factory and the test's clock; the background services (outbox dispatcher,
/// KPI rollup refresher, backorder value recorder) are left out unless asked for. Services come from one scope that
/// lives as long as this object, so a test and the services it calls share the scoped ones.
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    /// <summary>The clock most tests use when they do not care: Sunday Nov 22 2026, noon in New York.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;
    private readonly AsyncServiceScope _scope;

    private TestServices(ServiceProvider provider)
    {
        _provider = provider;
        _scope = provider.CreateAsyncScope();
    }

    public IServiceProvider Services => _scope.ServiceProvider;

    /// <param name="database">The test's database (a <see cref="SqliteTestDatabase"/>, or one with interceptors of its own).</param>
    /// <param name="time">The clock; <see cref="DefaultNow"/> when not given.</param>
    /// <param name="settings">Configuration as the app reads it, e.g. <c>["Smtp:Host"] = "127.0.0.1"</c>.</param>
    /// <param name="hostedServices">Keep the background services registered (they still only run when started).</param>
    /// <param name="configure">Replaces a registration after the app's own, when a test needs another (a cache's lifetime, say).</param>
    public static TestServices Create(IDbContextFactory<AppDbContext> database, TimeProvider? time = null,
        IReadOnlyDictionary<string, string?>? settings = null, bool hostedServices = false, Action<IServiceCollection>? configure = null)
    {
        var services = AppServices(settings);
        services.Replace(ServiceDescriptor.Singleton(database));
        services.Replace(ServiceDescriptor.Singleton(time ?? new FixedTimeProvider(DefaultNow)));
        if (!hostedServices)
        {
            services.RemoveAll<IHostedService>();
        }
        configure?.Invoke(services);
        return new TestServices(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = false }));
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The registrations of <see cref="BackorderDashboardServices.AddBackorderDashboard"/> with the configuration and environment it reads.</summary>
    internal static ServiceCollection AppServices(IReadOnlyDictionary<string, string?>? settings = null) =>
        BackorderDashboardServices.Standalone(settings ?? new Dictionary<string, string?>(), Environments.Development, AppContext.BaseDirectory);

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
    }
}
