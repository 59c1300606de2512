using System.Net;
using System.Text.RegularExpressions;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Integration;

/// <summary>The security headers and cookie flags of every kind of response, through the real pipeline over plain HTTP.</summary>
[Collection(AppCollection.Name)]
public class SecurityHeadersTests(AppFactory app)
{
    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    [Theory]
    [InlineData("/Account/Login", HttpStatusCode.OK)]
    [InlineData("/lib/apexcharts/apexcharts.min.js", HttpStatusCode.OK)]
    [InlineData("/kpi/export/backorder-rate.csv", HttpStatusCode.Redirect)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    public async Task EveryResponse_CarriesThePolicy_Nosniff_AndTheReferrerPolicy(string path, HttpStatusCode status)
    {
        using var client = new RawHttpClient(app.BaseUrl);

        var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        var host = new Uri(app.BaseUrl).Authority;
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp);
        Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'(;|$)", csp);
        Assert.Contains("style-src 'self' 'unsafe-inline'", csp);
        Assert.Contains($"connect-src 'self' ws://{host} wss://{host}", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task ImportMap_RunsByThisResponsesNonce_AndEachResponseHasItsOwn()
    {
        using var client = new RawHttpClient(app.BaseUrl);

        var first = await client.GetAsync("/Account/Login");
        var second = await client.GetAsync("/Account/Login");

        var nonce = Regex.Match(Header(first, "Content-Security-Policy"), "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        // The page writes the nonce HTML-encoded ("+" as "&#x2B;"); the browser reads it decoded.
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\">", System.Net.WebUtility.HtmlDecode(await first.Content.ReadAsStringAsync()));
        Assert.DoesNotContain($"'nonce-{nonce}'", Header(second, "Content-Security-Policy"));
    }

    [Fact]
    public async Task TrackingPage_SendsNoReferrer_SoTheLinkDoesNotLeak()
    {
        using var client = new RawHttpClient(app.BaseUrl);

        var response = await client.GetAsync("/track/AAAAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task Development_OverHttp_NoHstsNoRedirect_AndCookiesHttpOnlySameSiteButNotSecure()
    {
        using var client = new RawHttpClient(app.BaseUrl);

        var page = await client.GetAsync("/Account/Login");
        var signedIn = await client.PostLoginAsync("manager@example.com", BackorderDashboard.Data.DemoOptions.Password);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("", Header(page, "Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.DoesNotContain("Account/", signedIn.Headers.Location!.OriginalString);
        var antiforgery = client.CookieHeader(".AspNetCore.Antiforgery.");
        Assert.Contains("httponly", antiforgery);
        Assert.Contains("samesite=strict", antiforgery);
        Assert.DoesNotContain("secure", antiforgery);
        var auth = client.CookieHeader(".AspNetCore.Identity.Application=");
        Assert.Contains("httponly", auth);
        Assert.Contains("samesite=lax", auth);
        Assert.DoesNotContain("secure", auth);
    }
}
