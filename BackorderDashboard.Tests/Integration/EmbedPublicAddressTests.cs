using System.Net;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Integration;

/// <summary>The live badge's public endpoint on a public address: its limit per client address, and a shop site allowed by configuration.</summary>
public class EmbedPublicAddressTests(PublicAppFactory app) : IClassFixture<PublicAppFactory>
{
    [Fact]
    public async Task Availability_OverTheLimitFromOneAddress_Is429_WhileAnotherAddressIsServed()
    {
        using var busy = app.Client("198.51.100.23");
        using var other = app.Client("198.51.100.24");

        for (var i = 0; i < PublicAppFactory.EmbedPerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/embed/availability?sku=A")).StatusCode);
        }
        var refused = await busy.GetAsync("/embed/availability?sku=A");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/embed/availability?sku=A")).StatusCode);
    }

    [Fact]
    public async Task Availability_FromTheConfiguredShop_CarriesItsOrigin_AnotherSiteNone()
    {
        var allowed = await GetFromAsync(PublicAppFactory.ConfiguredShop);
        var stranger = await GetFromAsync("https://elsewhere.example.com");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(PublicAppFactory.ConfiguredShop, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"));
    }

    /// <summary>A shop page's request through the proxy, each from an address of its own so the limit test's count stays apart.</summary>
    private async Task<HttpResponseMessage> GetFromAsync(string origin)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/embed/availability?sku=A");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("X-Forwarded-For", $"198.51.100.{Random.Shared.Next(100, 200)}");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Host = "dashboard.example.com";
        return await http.SendAsync(request);
    }
}
