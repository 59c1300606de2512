using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace BackorderDashboard.Hosting;

/// <summary>
/// The headers every response carries: a Content-Security-Policy that lets only the app's own scripts run (plus the
/// import map Blazor writes inline, by a nonce fresh for each response), no framing, no MIME sniffing, and a referrer
/// policy that keeps a customer's tracking link out of the Referer of anything the tracking page loads or links to.
/// </summary>
public static partial class SecurityHeaders
{
    private const string NonceKey = "BackorderDashboard.CspNonce";

    /// <summary>The script nonce of this response (empty outside the pipeline, e.g. in a component test).</summary>
    public static string CspNonce(this HttpContext? context) => context?.Items[NonceKey] as string ?? "";

    /// <summary>Adds the headers to every response, whichever middleware or endpoint writes it.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        // At the start of the response, so an error page re-executed after the headers were cleared carries them too.
        context.Response.OnStarting(() =>
        {
            Apply(context, nonce);
            return Task.CompletedTask;
        });
        await next(context);
    });

    private static void Apply(HttpContext context, string nonce)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy(context.Request.Host, nonce);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = IsTrackingPage(context.Request.Path) ? "no-referrer" : "strict-origin-when-cross-origin";
        // The badge script and its answers are loaded by the shop's own pages; everything else is for the app's pages alone.
        headers["Cross-Origin-Resource-Policy"] = IsEmbed(context.Request.Path) ? "cross-origin" : "same-origin";
    }

    /// <summary>The live badge for the shop's own pages (<c>/embed/badge.js</c> and what it reads).</summary>
    public static bool IsEmbed(PathString path) => path.StartsWithSegments("/embed", StringComparison.OrdinalIgnoreCase);

    /// <summary>The customer's tracking pages: their address is the key to the order.</summary>
    public static bool IsTrackingPage(PathString path) => path.StartsWithSegments("/track", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Blazor Server needs its own scripts and its websocket (<c>connect-src</c>); the import map is an inline script
    /// and runs by the nonce. MudBlazor and ApexCharts set inline styles and add style elements, hence
    /// <c>'unsafe-inline'</c> for styles only; Bootstrap's form icons are <c>data:</c> images.
    /// </summary>
    public static string ContentSecurityPolicy(HostString host, string nonce)
    {
        // The Host header comes from the client: only a plain host[:port] goes into the policy.
        var socket = host.HasValue && HostPattern().IsMatch(host.Value!) ? $" ws://{host.Value} wss://{host.Value}" : "";
        return string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            $"connect-src 'self'{socket}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    }

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();
}
