using System.Net;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>The tracking page through plain HTTP with no sign-in.</summary>
[Collection(AppCollection.Name)]
public class TrackingAndMailTests(AppFactory app)
{
    [Fact]
    public async Task TrackingPage_ValidToken_ShowsTheOrder_WithoutSignIn_AndKeepsTheLinkPrivate()
    {
        var (number, token) = await ABackorderedOrderAsync();

        var response = await app.CreateHttpClient().GetAsync($"/track/{token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"Order {number}", html);
        Assert.Contains("Waiting for stock", html);
        Assert.Contains("<meta name=\"referrer\" content=\"no-referrer\"", html);
        Assert.Contains("<meta name=\"robots\" content=\"noindex, nofollow\"", html);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("short")]
    [InlineData("SO-100001")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    public async Task TrackingPage_WrongOrMalformedToken_GetsTheSameFriendlyPage_AndNoOrder(string token)
    {
        var response = await app.CreateHttpClient().GetAsync($"/track/{token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("We can&#x27;t find this order", html);
        Assert.DoesNotContain("SO-1", html);
        Assert.DoesNotContain("<script>alert", html);
    }

    private async Task<(string Number, string Token)> ABackorderedOrderAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var order = await db.Orders.Where(o => o.Lines.Any(l => l.QtyUnfilled > 0)).OrderBy(o => o.Id)
            .Select(o => new { o.Number, o.TrackingToken }).FirstAsync();
        return (order.Number, order.TrackingToken);
    }
}
