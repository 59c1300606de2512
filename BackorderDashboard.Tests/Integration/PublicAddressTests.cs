using System.Net;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// The app on a public address behind a TLS-ending proxy: HSTS and the redirect to HTTPS, Secure cookies, and the rate
/// limits and lockout against strangers. Each test acts from client addresses of its own (documentation ranges), so
/// the limits one test uses up never reach another.
/// </summary>
public class PublicAddressTests(PublicAppFactory app) : IClassFixture<PublicAppFactory>
{
    private const string Password = "a long enough passphrase";

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    private static string PathOf(HttpResponseMessage response) => response.Headers.Location is { } location
        ? location.IsAbsoluteUri ? location.AbsolutePath : "/" + location.OriginalString.Split('?')[0].TrimStart('/')
        : "";

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(Header(response, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Too many requests", body);
        Assert.Contains("seconds", body);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task HttpsFromTheKnownProxy_GetsHsts_AndPlainHttpIsRedirectedToHttps()
    {
        using var client = app.Client("198.51.100.1");

        var overHttps = await client.GetAsync("/Account/Login");
        client.ForwardedProto = "http";
        var overHttp = await client.GetAsync("/Account/Login?ReturnUrl=%2Fkpi");

        Assert.Equal(HttpStatusCode.OK, overHttps.StatusCode);
        Assert.Contains("max-age=31536000", Header(overHttps, "Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, overHttp.StatusCode);
        Assert.Equal("https://shop.example.com/Account/Login?ReturnUrl=%2Fkpi", overHttp.Headers.Location!.OriginalString);
        Assert.Equal("", Header(overHttp, "Strict-Transport-Security"));
        Assert.Equal("nosniff", Header(overHttp, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task OverHttps_TheSignInAndAntiforgeryCookies_AreSecureHttpOnlyAndSameSite()
    {
        const string email = "secure-cookies@example.com";
        await app.CreateUserAsync(email, Password, Roles.Manager);
        using var client = app.Client("198.51.100.2");

        var signedIn = await client.PostLoginAsync(email, Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var antiforgery = client.CookieHeader(".AspNetCore.Antiforgery.");
        Assert.Contains("secure", antiforgery);
        Assert.Contains("httponly", antiforgery);
        Assert.Contains("samesite=strict", antiforgery);
        var auth = client.CookieHeader(".AspNetCore.Identity.Application=");
        Assert.Contains("secure", auth);
        Assert.Contains("httponly", auth);
        Assert.Contains("samesite=lax", auth);
        // The cookie works: the signed-in home page answers, over the same proxy.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task SignIn_PerAddressLimit_Answers429WithRetryAfter_OnlyForThatAddress()
    {
        using var stranger = app.Client("203.0.113.10");
        for (var i = 0; i < PublicAppFactory.SignInPerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await stranger.PostLoginAsync($"nobody{i}@example.com", "wrong password here")).StatusCode);
        }

        var over = await stranger.PostLoginAsync("nobody-more@example.com", "wrong password here");
        using var neighbour = app.Client("203.0.113.11");
        var elsewhere = await neighbour.PostLoginAsync("nobody-more@example.com", "wrong password here");

        await AssertTooManyAsync(over);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        // Reading the sign-in page is not limited, only posting it.
        Assert.Equal(HttpStatusCode.OK, (await stranger.GetAsync("/Account/Login")).StatusCode);
    }

    [Fact]
    public async Task SignIn_PerAccountLimit_CountsTheNormalisedEmail_Answers429WithRetryAfter()
    {
        using var client = app.Client("203.0.113.20");
        string[] spellings = ["target@example.com", "TARGET@example.com", " Target@Example.com ", "target@EXAMPLE.com"];
        for (var i = 0; i < PublicAppFactory.SignInPerAccount; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(spellings[i % spellings.Length], "wrong password here")).StatusCode);
        }

        var over = await client.PostLoginAsync("tArGeT@example.com", "wrong password here");
        var otherAccount = await client.PostLoginAsync("someone-else@example.com", "wrong password here");

        await AssertTooManyAsync(over);
        Assert.Equal(HttpStatusCode.OK, otherAccount.StatusCode);
    }

    [Fact]
    public async Task TrackingPage_PerAddressLimit_Answers429WithRetryAfter()
    {
        using var client = app.Client("203.0.113.30");
        for (var i = 0; i < PublicAppFactory.TrackingPerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/track/guess{i}AAAAAAAAAAAAAAAAA")).StatusCode);
        }

        var over = await client.GetAsync("/track/guessAAAAAAAAAAAAAAAAAAA");
        using var customer = app.Client("203.0.113.31");
        var elsewhere = await customer.GetAsync("/track/guessAAAAAAAAAAAAAAAAAAA");

        await AssertTooManyAsync(over);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal("no-referrer", Header(over, "Referrer-Policy"));
    }

    [Fact]
    public async Task Stranger_HammeringAnAccount_IsLockedOutAndLimited_WhileTheOwnerSignsInFromElsewhere()
    {
        const string email = "owner@example.com";
        await app.CreateUserAsync(email, Password, Roles.Merchant);
        using var stranger = app.Client("203.0.113.40");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < PublicAppFactory.SignInPerAccount + 1; i++)
        {
            answers.Add(await stranger.PostLoginAsync(email, "a wrong guess at the passphrase"));
        }
        var strangerWithThePassword = await stranger.PostLoginAsync(email, Password);
        using var owner = app.Client("198.51.100.40");
        var ownerSignsIn = await owner.PostLoginAsync(email, Password);

        // Four wrong passwords are just wrong; the fifth blocks this address for the account; past the limit: 429.
        Assert.All(answers.Take(4), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal("/Account/Lockout", PathOf(answers[4]));
        Assert.Equal("/Account/Lockout", PathOf(answers[5]));
        await AssertTooManyAsync(answers[6]);
        Assert.Equal(HttpStatusCode.TooManyRequests, strangerWithThePassword.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, ownerSignsIn.StatusCode);
        Assert.DoesNotContain("Account/", ownerSignsIn.Headers.Location!.OriginalString);
        Assert.Null(await app.LockoutEndAsync(email));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/")).StatusCode);
    }
}
