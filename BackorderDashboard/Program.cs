using BackorderDashboard.Components;
using BackorderDashboard.Components.Account;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Components.Layout;
using BackorderDashboard.Features.Admin;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Home;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Replenishment;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Features.Tracking;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Services;

if (BackorderDashboard.Data.Large.Commands.IsCommand(args))
{
    return await BackorderDashboard.Data.Large.Commands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();
builder.Services.AddMudServices(options =>
{
    // Bottom right keeps confirmations clear of the page's own buttons in the top bar.
    options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
    options.SnackbarConfiguration.ShowCloseIcon = true;
});

builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<IdentityRedirectManager>();
builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = IdentityConstants.ApplicationScheme;
        options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
    })
    .AddIdentityCookies();
builder.Services.AddAuthorizationBuilder().AddBackorderPolicies();

var connectionString = DatabaseSetup.ResolveConnectionString(
    builder.Configuration.GetConnectionString("DefaultConnection") ?? "Data Source=Data/backorders.db",
    builder.Environment.ContentRootPath);
builder.Services.AddDbContextFactory<AppDbContext>(options => options
    .UseSqlite(connectionString)
    .AddInterceptors(new SqlitePragmas()));
builder.Services.AddDatabaseDeveloperPageExceptionFilter();

builder.Services.AddIdentityCore<ApplicationUser>(options =>
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
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        options.User.RequireUniqueEmail = true;
    })
    .AddRoles<IdentityRole>()
    .AddEntityFrameworkStores<AppDbContext>()
    .AddSignInManager()
    .AddDefaultTokenProviders();

builder.Services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
builder.Services.AddSingleton(TimeProvider.System);

builder.Services.AddSingleton<SettingsService>();
builder.Services.AddSingleton<SupplierLeadTimes>();
builder.Services.AddSingleton<AvailabilityService>();
builder.Services.AddScoped<UserAdminService>();
builder.Services.AddScoped<UserPreferencesService>();
builder.Services.AddScoped<HomeService>();
builder.Services.AddScoped<ProductService>();
builder.Services.AddScoped<OrderIntakeService>();
builder.Services.AddSingleton<QueueMaintenance>();
builder.Services.AddScoped<BackorderService>();
builder.Services.AddScoped<ShippingService>();
builder.Services.AddScoped<OrderService>();
builder.Services.AddSingleton<StockNotifier>();
builder.Services.AddScoped<ReceivingService>();
builder.Services.AddScoped<PurchaseOrderService>();
builder.Services.AddScoped<SupplierService>();
builder.Services.Configure<MessagingOptions>(builder.Configuration.GetSection(MessagingOptions.Section));
builder.Services.Configure<SmtpOptions>(builder.Configuration.GetSection(SmtpOptions.Section));
builder.Services.AddSingleton<OutboxSender>();
builder.Services.AddHostedService<OutboxDispatcher>();
builder.Services.AddSingleton<BackorderValueRecorder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<BackorderValueRecorder>());
builder.Services.AddScoped<OutboxService>();
builder.Services.AddScoped<CustomerMessageService>();
builder.Services.AddScoped<TrackingService>();
builder.Services.AddSingleton<KpiCache>();
builder.Services.AddSingleton<KpiRollups>();
builder.Services.AddHostedService<KpiRollupRefresher>();
builder.Services.AddScoped<KpiService>();
builder.Services.AddScoped<ReplenishmentService>();

var app = builder.Build();

if (app.Environment.IsDevelopment())
{
    app.UseMigrationsEndPoint();
}
else
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

// Dates and numbers follow the browser's language where we support it; American English otherwise.
app.UseRequestLocalization(options => options
    .SetDefaultCulture("en-US")
    .AddSupportedCultures("en-US", "en-GB", "en-CA", "en-AU", "de-DE", "fr-FR", "es-ES", "nl-NL")
    .AddSupportedUICultures("en-US"));

app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.MapAdditionalIdentityEndpoints();

// Each KPI chart's data as CSV, with the same filters as the page (the page links here).
app.MapGet("/kpi/export/{chart}.csv", async (string chart, string? range, string? from, string? to, string? group, int? category, int? supplier,
        string? channel, KpiService kpi, SettingsService settings) =>
    {
        if (!KpiCharts.Ids.Contains(chart))
        {
            return Results.NotFound();
        }
        var query = KpiQueryText.Parse((await settings.GetClockAsync()).Today, range, from, to, group, category, supplier, channel, out _);
        var table = KpiCharts.Table(chart, await kpi.GetAsync(query));
        return Results.File(System.Text.Encoding.UTF8.GetBytes(table.ToCsv()), "text/csv; charset=utf-8",
            $"{chart}-{query.From:yyyy-MM-dd}-{query.To:yyyy-MM-dd}.csv");
    })
    .RequireAuthorization(Policies.Analytics);

await DatabaseSetup.InitializeAsync(app.Services);

app.Run();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
