using System.Net;
using BackorderDashboard.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// The app as it runs on a public address: the Production environment behind a TLS-ending reverse proxy on the
/// loopback address (<c>ForwardedHeaders:Enabled</c>), with small rate limits so a test reaches them in a few requests.
/// An empty store without demo logins; tests create the accounts they need.
/// </summary>
public sealed class PublicAppFactory : WebApplicationFactory<Program>
{
    public const int SignInPerAddress = 12;
    public const int SignInPerAccount = 6;
    public const int TrackingPerAddress = 3;
    public const int EmbedPerAddress = 4;

    /// <summary>The shop site allowed to show the live badge by configuration (not by the Settings page).</summary>
    public const string ConfiguredShop = "https://config-shop.example.com";

    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"backorders-public-{Guid.NewGuid():N}.db");

    public PublicAppFactory() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

    public string BaseUrl
    {
        get
        {
            StartServer();
            return Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:DefaultConnection", $"Data Source={_dbPath}");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Demo:SeedData", "false");
        builder.UseSetting("Demo:SeedUsers", "false");
        builder.UseSetting("ForwardedHeaders:Enabled", "true");
        builder.UseSetting("RateLimits:SignInPerAddressPerMinute", SignInPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:SignInPerAccountPerFiveMinutes", SignInPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:TrackingPerAddressPerMinute", TrackingPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:EmbedPerAddressPerMinute", EmbedPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Storefront:AllowedOrigins:0", ConfiguredShop + "/");
    }

    /// <summary>A browser at <paramref name="address"/>, reaching the app through the proxy as https://shop.example.com.</summary>
    public RawHttpClient Client(string address) => new(BaseUrl) { ForwardedFor = address, Host = "shop.example.com" };

    /// <summary>A confirmed account with one role.</summary>
    public async Task<ApplicationUser> CreateUserAsync(string email, string password, string role)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
        return user;
    }

    public async Task<DateTimeOffset?> LockoutEndAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))?.LockoutEnd;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
