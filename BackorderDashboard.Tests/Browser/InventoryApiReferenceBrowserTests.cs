using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The API reference page in a real browser, under the app's strict Content-Security-Policy.</summary>
[Collection(ApiAppCollection.Name)]
public class InventoryApiReferenceBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task ApiReference_RendersTheInventoryCalls_WithNoPolicyViolation()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync("/api/reference/");

        await Assertions.Expect(page.GetByText("Receive a delivery and allocate it to the waiting orders").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Correct on-hand figures").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "api-reference", fullPage: false);
        Assert.DoesNotContain(problems, p => p.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(problems);
        await page.Context.CloseAsync();
    }
}
