using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;

namespace BackorderDashboard.Hosting;

/// <summary>
/// HTTPS, proxies and cookies. Behind a reverse proxy that ends TLS (<c>ForwardedHeaders:Enabled</c>), the
/// forwarded headers of the proxies named in <c>ForwardedHeaders:KnownProxies</c> / <c>KnownNetworks</c> (loopback when
/// none are named) give the client's address and scheme; outside Development, HTTPS requests get HSTS and, when the
/// app is served over HTTPS or behind a proxy, plain HTTP is redirected to HTTPS. Cookies are HttpOnly, SameSite and
/// Secure whenever the request came over HTTPS.
/// </summary>
public static class HttpsAndProxies
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddHttpsAndProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = section.GetValue<int?>("ForwardLimit") ?? 1;
            var proxies = List(section.GetSection("KnownProxies"));
            var networks = List(section.GetSection("KnownNetworks"));
            if (proxies.Count + networks.Count > 0)
            {
                // Named proxies replace the loopback default: only they may say who the client is.
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var proxy in proxies)
                {
                    options.KnownProxies.Add(IPAddress.TryParse(proxy, out var ip) ? ip
                        : throw new InvalidOperationException($"{Section}:KnownProxies: “{proxy}” is not an IP address."));
                }
                foreach (var network in networks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range) ? range
                        : throw new InvalidOperationException($"{Section}:KnownNetworks: “{network}” is not a network such as 10.0.0.0/8."));
                }
            }
        });
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
        services.AddHttpsRedirection(options =>
        {
            options.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
            // Behind a proxy the app itself listens on HTTP: the public HTTPS port is the proxy's.
            options.HttpsPort = configuration.GetValue<int?>("HttpsRedirection:HttpsPort") ?? (ProxyEnabled(configuration) ? 443 : null);
        });

        // Every cookie the app sets (sign-in, external sign-in, two-factor) alike.
        services.ConfigureAll<CookieAuthenticationOptions>(options =>
        {
            options.Cookie.HttpOnly = true;
            // Lax, not Strict: a colleague's link to an order page, followed from an e-mail, arrives signed in.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    /// <summary>First in the pipeline: the client's address and scheme, as the known proxies report them.</summary>
    public static WebApplication UseForwardedHeadersWhenEnabled(this WebApplication app)
    {
        if (ProxyEnabled(app.Configuration))
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    /// <summary>Outside Development: HSTS on HTTPS responses and, served over HTTPS or behind a proxy, HTTP redirected to HTTPS.</summary>
    public static WebApplication UseHstsAndHttpsRedirection(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // HSTS goes only on HTTPS responses (never to localhost), so it is safe whatever the app listens on.
            app.UseHsts();
            if (ProxyEnabled(app.Configuration) || ServedOverHttps(app.Configuration))
            {
                app.UseHttpsRedirection();
            }
        }
        return app;
    }

    public static bool ProxyEnabled(IConfiguration configuration) => configuration.GetValue<bool>($"{Section}:Enabled");

    /// <summary>Whether the app listens on HTTPS itself: an https address in <c>Urls</c>, an HTTPS port, or a Kestrel HTTPS endpoint.</summary>
    private static bool ServedOverHttps(IConfiguration configuration) =>
        configuration["urls"]?.Contains("https://", StringComparison.OrdinalIgnoreCase) == true
        || !string.IsNullOrEmpty(configuration["https_ports"]) || !string.IsNullOrEmpty(configuration["https_port"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Any(e => e["Url"]?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>A list setting given either as entries (<c>KnownProxies:0</c>, …) or as one comma-separated value.</summary>
    internal static List<string> List(IConfigurationSection section) =>
        // A section with entries can still carry an empty value of its own (settings given to a test host do).
        (section.Value is { Length: > 0 } single ? [single] : section.GetChildren().Select(c => c.Value ?? ""))
            .SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
}
