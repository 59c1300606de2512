using BackorderDashboard.Data.Demo;
using BackorderDashboard.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Data;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>
    /// Seed the demo store (products, orders, purchase orders) into an empty database. Unset, only in Development:
    /// a real store must never start with invented orders.
    /// </summary>
    public bool? SeedData { get; set; }

    /// <summary>
    /// Create the four demo logins in a database without users. Unset, only in Development: their password is public,
    /// so a production start must not create them unless told to.
    /// </summary>
    public bool? SeedUsers { get; set; }

    /// <summary>What the configuration asks for, with Development as the default of each unset switch.</summary>
    public static (bool SeedData, bool SeedUsers) Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(Section).Get<DemoOptions>() ?? new DemoOptions();
        var development = environment.IsDevelopment();
        return (options.SeedData ?? development, options.SeedUsers ?? development);
    }

    public const string Password = "Backorder-Demo-1";

    public static readonly IReadOnlyList<(string Email, string Role)> Logins =
    [
        ("admin@example.com", Roles.Admin),
        ("merchant@example.com", Roles.Merchant),
        ("support@example.com", Roles.CustomerService),
        ("manager@example.com", Roles.Manager),
    ];

    /// <summary>The names the demo logins go by in the user menu and the order history.</summary>
    public static readonly IReadOnlyDictionary<string, string> DisplayNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["admin@example.com"] = "Alex Admin",
        ["merchant@example.com"] = "Morgan Merchant",
        ["support@example.com"] = "Sam Support",
        ["manager@example.com"] = "Max Manager",
    };

    /// <summary>A demo login's display name, or the e-mail address itself for any other account.</summary>
    public static string DisplayName(string email) => DisplayNames.GetValueOrDefault(email, email);
}

/// <summary>Brings the database to the current schema on start, and fills a new one with the demo store when asked to.</summary>
public static class DatabaseSetup
{
    /// <summary>A relative SQLite data source is taken from the app's content root, not the shell's directory.</summary>
    public static string ResolveConnectionString(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && builder.Mode != SqliteOpenMode.Memory
            && !Path.IsPathRooted(source))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, source));
        }
        return builder.ToString();
    }

    /// <summary>
    /// Creates the database file and its folder when missing, applies pending migrations, turns on WAL and adds the
    /// settings row and the roles: what every start and the command-line tools need before they touch data.
    /// </summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var factory = sp.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (Path.GetDirectoryName(source) is { Length: > 0 } dir)
            {
                Directory.CreateDirectory(dir);
            }
            await db.Database.MigrateAsync(ct);
            // WAL lets readers carry on while one writer commits; the setting lives in the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);

            if (!await db.MerchantSettings.AnyAsync(ct))
            {
                db.MerchantSettings.Add(new MerchantSettings
                {
                    TimeZoneId = sp.GetRequiredService<IConfiguration>()["Merchant:TimeZone"] ?? "America/New_York",
                    UpdatedAt = DateTime.UtcNow,
                });
                await db.SaveChangesAsync(ct);
            }
        }

        var roleManager = sp.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
            {
                await roleManager.CreateAsync(new IdentityRole(role));
            }
        }
    }

    /// <summary>The web app's start: <see cref="PrepareAsync"/>, then the demo store and logins where they are wanted.</summary>
    public static async Task InitializeAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await PrepareAsync(services, ct);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseSetup));
        var options = DemoOptions.Resolve(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>());
        var factory = sp.GetRequiredService<IDbContextFactory<AppDbContext>>();

        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (options.SeedData && !await db.Products.AnyAsync(ct))
            {
                var settings = await db.MerchantSettings.AsNoTracking().SingleAsync(ct);
                var clock = new MerchantClock(sp.GetRequiredService<TimeProvider>(), MerchantClock.FindZone(settings.TimeZoneId));
                var started = System.Diagnostics.Stopwatch.StartNew();
                var data = new DemoDataGenerator().Generate(clock, settings.DefaultHandlingDays);
                await InsertAsync(db, data, ct);
                logger.LogInformation("Seeded the demo store: {Products} products, {Orders} orders, {Lines} order lines in {Ms} ms",
                    data.Products.Count, data.Orders.Count, data.OrderLines.Count, started.ElapsedMilliseconds);
            }
        }

        var userManager = sp.GetRequiredService<UserManager<ApplicationUser>>();
        if (options.SeedUsers && !await userManager.Users.AnyAsync(ct))
        {
            foreach (var (email, role) in DemoOptions.Logins)
            {
                var user = new ApplicationUser
                {
                    UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTime.UtcNow, DisplayName = DemoOptions.DisplayName(email),
                };
                var result = await userManager.CreateAsync(user, DemoOptions.Password);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"Could not create demo login {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
                }
                await userManager.AddToRoleAsync(user, role);
            }
            // The password is in the README; a log is copied to places a README is not, so it never goes there.
            logger.LogInformation("Created the demo logins ({Emails})", string.Join(", ", DemoOptions.Logins.Select(l => l.Email)));
        }
        else if (options.SeedUsers)
        {
            // Demo logins made before users had display names get theirs; a name an admin has set is kept.
            foreach (var (email, name) in DemoOptions.DisplayNames)
            {
                await userManager.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant() && u.DisplayName == "")
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, name), ct);
            }
        }
    }

    /// <summary>Inserts the demo store in one transaction: a half-seeded store would be worse than none.</summary>
    public static async Task InsertAsync(AppDbContext db, DemoData data, CancellationToken ct = default)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.AddRange(data.Categories);
        db.AddRange(data.Suppliers);
        db.AddRange(data.Products);
        db.AddRange(data.Customers);
        await db.SaveChangesAsync(ct);
        db.AddRange(data.PurchaseOrders);
        db.AddRange(data.PurchaseOrderLines);
        db.AddRange(data.Orders);
        db.AddRange(data.OrderLines);
        await db.SaveChangesAsync(ct);
        db.AddRange(data.Shipments);
        db.AddRange(data.ShipmentLines);
        db.AddRange(data.Ledger);
        db.AddRange(data.Events);
        db.AddRange(data.Messages);
        db.AddRange(data.ValueDays);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }
}
