using BackorderDashboard.Features.Api;
using BackorderDashboard.Components.Account;
using BackorderDashboard.Components.Layout;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Admin;
using BackorderDashboard.Features.Audit;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Backup;
using BackorderDashboard.Features.Customers;
using BackorderDashboard.Features.Home;
using BackorderDashboard.Features.Import;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Replenishment;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Features.Tracking;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace BackorderDashboard.Hosting;

/// <summary>
/// Every service of the app, registered in one place: the web app, the tests and the command-line tools build
/// their services from here and replace only the database (<see cref="AddBackorderDashboardDatabase"/>) and the
/// clock (<see cref="TimeProvider"/>).
/// </summary>
public static class BackorderDashboardServices
{
    public const string DefaultConnection = "Data Source=Data/backorders.db";

    /// <summary>The configured SQLite connection string, a relative file taken from the app's content root.</summary>
    public static string ConnectionString(IConfiguration configuration, IHostEnvironment environment) =>
        DatabaseSetup.ResolveConnectionString(configuration.GetConnectionString("DefaultConnection") ?? DefaultConnection, environment.ContentRootPath);

    /// <summary>
    /// The app's services outside the web host (command-line tools, tests): the configuration given, an environment
    /// named <paramref name="environmentName"/> rooted at <paramref name="contentRoot"/>, logging, and every registration
    /// of <see cref="AddBackorderDashboard"/>.
    /// </summary>
    public static ServiceCollection Standalone(IReadOnlyDictionary<string, string?> settings, string environmentName, string contentRoot) =>
        Standalone(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), environmentName, contentRoot);

    /// <inheritdoc cref="Standalone(IReadOnlyDictionary{string, string?}, string, string)"/>
    public static ServiceCollection Standalone(IConfiguration configuration, string environmentName, string contentRoot)
    {
        var environment = new HostingEnvironment
        {
            ApplicationName = typeof(BackorderDashboardServices).Assembly.GetName().Name!, EnvironmentName = environmentName,
            ContentRootPath = contentRoot, ContentRootFileProvider = new PhysicalFileProvider(contentRoot),
        };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(environment);
        services.AddBackorderDashboard(configuration, environment);
        return services;
    }

    public static IServiceCollection AddBackorderDashboard(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddRazorComponents()
            .AddInteractiveServerComponents(options =>
            {
                // A closed tab lets its circuit go at once (the browser's disconnect beacon); these bound the ones that
                // vanish without it (a network drop, a sleeping laptop), each keeping its page's memory (a few MB:
                // MemoryPerPageBenchmark) until it is evicted. Every page comes back from its address, so a page whose
                // circuit is gone reloads where it was: two minutes covers a blip, fifty at most keeps the worst at a
                // few hundred MB rather than the default hundred.
                options.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(2);
                options.DisconnectedCircuitMaxRetained = 50;
            });
        services.AddMudServices(options =>
        {
            // Bottom right keeps confirmations clear of the page's own buttons in the top bar.
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            options.SnackbarConfiguration.ShowCloseIcon = true;
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorizationBuilder().AddBackorderPolicies();

        var connectionString = ConnectionString(configuration, environment);
        services.AddBackorderDashboardDatabase(connectionString);
        services.AddPersistedDataProtection(DataProtectionKeys.Folder(configuration, environment, connectionString));
        services.AddDatabaseDeveloperPageExceptionFilter();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = true;
                options.Stores.SchemaVersion = AppDbContext.IdentitySchema;
                // Long passphrases beat composition rules (NIST SP 800-63B): length only.
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                // Wrong passwords lock out per account and address (SignInThrottle), which pauses an account for
                // everyone through this lockout; these counts remain for the two-factor code pages.
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<ActiveUserSignInManager>()
            .AddClaimsPrincipalFactory<ApplicationUserClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();

        services.AddSingleton<SignInThrottle>();
        services.AddHttpsAndProxies(configuration);
        services.AddBackorderRateLimits(configuration);

        // Roles taken away and accounts deactivated end ordinary page requests as soon as they end open pages.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(3));
        services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<SettingsService>();
        services.AddSingleton<SupplierLeadTimes>();
        services.AddSingleton<AvailabilityService>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<UserPreferencesService>();
        services.AddScoped<HomeService>();
        services.AddScoped<ProductService>();
        services.AddSingleton<ProductRowsBySku>();
        services.AddScoped<StockCorrectionService>();
        services.AddScoped<OrderIntakeService>();
        services.AddSingleton<QueueMaintenance>();
        services.AddScoped<BackorderService>();
        services.AddScoped<ShippingService>();
        services.AddScoped<OrderService>();
        services.AddScoped<CustomerService>();
        services.AddSingleton<StockNotifier>();
        services.AddScoped<ReceivingService>();
        services.AddScoped<PurchaseOrderService>();
        services.AddScoped<ImportService>();
        services.AddScoped<SupplierService>();
        services.Configure<MessagingOptions>(configuration.GetSection(MessagingOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<OutboxSender>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddSingleton<BackorderValueRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<BackorderValueRecorder>());
        services.AddScoped<OutboxService>();
        services.AddScoped<CustomerMessageService>();
        services.AddScoped<TrackingService>();
        services.AddSingleton<KpiCache>();
        services.AddSingleton<KpiRollups>();
        services.AddHostedService<KpiRollupRefresher>();
        services.AddScoped<KpiService>();
        services.AddScoped<ReplenishmentService>();
        services.AddScoped<StoreSettingsService>();
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackupOptions>, BackupOptionsValidation>();
        services.AddSingleton<DailyBackup>();
        services.AddHostedService(sp => sp.GetRequiredService<DailyBackup>());
        services.AddHttpContextAccessor();
        services.AddScoped<CallerAddress>();
        services.AddScoped<CircuitHandler, CallerAddressCircuitHandler>();
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditSearch>();
        services.AddSingleton<ApiKeyUse>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<ApiKeyFilter>();
        services.AddScoped<ApiIdempotency>();
        services.AddBackorderApiDocument();
        services.AddBackorderEmbed(configuration);
        services.AddStoreWebhooks(configuration);
        services.AddOutboundWebhooks();
        return services;
    }

    /// <summary>
    /// The one database seam: every context of the app comes from this factory, on SQLite with the app's connection
    /// settings (<see cref="SqlitePragmas"/>) plus the given interceptors. Called again, it replaces the database
    /// registered before, so a test or a tool points the whole app at its own file.
    /// </summary>
    public static IServiceCollection AddBackorderDashboardDatabase(this IServiceCollection services, string connectionString,
        params IInterceptor[] interceptors)
    {
        services.RemoveAll<IDbContextOptionsConfiguration<AppDbContext>>();
        services.AddDbContextFactory<AppDbContext>(options => options
            .UseSqlite(connectionString)
            .AddInterceptors([new SqlitePragmas(), new StoreWriteInterceptor(), .. interceptors]));
        return services;
    }
}
