using System.Net;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Integration;

/// <summary>Pages that must tell nothing away, and the receiving page as a manager reads it.</summary>
[Collection(AppCollection.Name)]
public class GuardTests(AppFactory app)
{
    [Fact]
    public async Task RegisterConfirmation_AnswersTheSameForKnownAndUnknownAddresses_WithNoLink()
    {
        var client = app.CreateHttpClient();

        var known = await client.GetAsync("/Account/RegisterConfirmation?email=admin%40example.com");
        var unknown = await client.GetAsync("/Account/RegisterConfirmation?email=nobody-here%40example.com");

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        var knownHtml = await known.Content.ReadAsStringAsync();
        var unknownHtml = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"register-confirmation\"", knownHtml);
        Assert.Equal(Body(knownHtml), Body(unknownHtml));
        Assert.DoesNotContain("ConfirmEmail", knownHtml);
        Assert.DoesNotContain("Error finding user", unknownHtml);
    }

    [Fact]
    public async Task Receiving_Manager_ReadsThePageWithoutTheReceiveButtons()
    {
        var manager = await app.CreateSignedInClientAsync("manager@example.com");
        var merchant = await app.CreateSignedInClientAsync("merchant@example.com");

        var managerHtml = System.Net.WebUtility.HtmlDecode(await manager.GetStringAsync("/receiving"));
        var merchantHtml = await merchant.GetStringAsync("/receiving");

        Assert.Contains("data-testid=\"receipt-read-only\"", managerHtml);
        Assert.Contains("Managers can't receive stock.", managerHtml);
        Assert.DoesNotContain("data-testid=\"receipt-commit\"", managerHtml);
        Assert.DoesNotContain("data-testid=\"receipt-preview\"", managerHtml);
        Assert.Contains("data-testid=\"receipt-commit\"", merchantHtml);
    }

    /// <summary>The page without its antiforgery token and component markers, which differ per request.</summary>
    private static string Body(string html)
    {
        var start = html.IndexOf("<h1>", StringComparison.Ordinal);
        var end = html.IndexOf("</p>", start, StringComparison.Ordinal);
        return html[start..end];
    }
}
