using System.Text;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>A merchant brings products in from a spreadsheet through the import page.</summary>
[Collection(AppCollection.Name)]
public class ImportBrowserTests(AppFactory app, BrowserFixture browser)
{
    private const string Header = "sku,name,category,supplier,price,on_hand,backorder_policy,backorder_cap,low_stock_threshold,lead_time_days";

    private static FilePayload Csv(string name, params string[] rows) =>
        new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(string.Join("\r\n", [Header, .. rows]) + "\r\n") };

    [Fact]
    public async Task Import_ProductsFile_BadRowNamedThenTheCleanFileImportsAndTheProductIsListedWithItsBadge()
    {
        var sku = $"{AppFactory.TestSkuPrefix}IMP-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        try
        {
            await page.GotoAsync("/import");
            await BrowserFixture.WaitForCircuitAsync(page);
            var choose = page.Locator("[data-testid=import-choose]");
            await Assertions.Expect(choose).ToBeEnabledAsync();

            await page.Locator("input[type=file]").SetInputFilesAsync(Csv("products-bad.csv",
                $"{sku},Imported teapot,Kitchen,Northwind,24.50,12,allow,,3,10",
                $"{sku}-2,Imported cup,Kitchen,Northwind,4.50,5,sometimes,,,"));

            var problems = page.Locator("[data-testid=import-problems] tbody tr");
            await Assertions.Expect(problems).ToHaveCountAsync(1);
            await Assertions.Expect(problems.Locator("[data-testid=import-problem-row]")).ToHaveTextAsync("3");
            await Assertions.Expect(problems).ToContainTextAsync("backorder_policy");
            await Assertions.Expect(problems).ToContainTextAsync("“sometimes” is not one of: deny, allow, allow_notify.");
            await Assertions.Expect(page.Locator("[data-testid=import-commit]")).ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, "import-problems");
            await page.SetViewportSizeAsync(390, 844);
            await BrowserFixture.ScreenshotAsync(page, "import-problems-phone");
            await page.SetViewportSizeAsync(1280, 900);

            await page.Locator("input[type=file]").SetInputFilesAsync(Csv("products.csv",
                $"{sku},Imported teapot,Kitchen,Northwind,24.50,12,allow,,3,10"));
            await Assertions.Expect(page.Locator("[data-testid=import-summary]")).ToHaveTextAsync("1 row: 1 new product, 0 updated, 0 unchanged");
            await BrowserFixture.ScreenshotAsync(page, "import-preview");
            await page.Locator("[data-testid=import-commit]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=import-result]")).ToContainTextAsync("Imported");
            await BrowserFixture.ScreenshotAsync(page, "import-done");

            await page.GotoAsync($"/products?q={sku}");
            var row = page.Locator("[data-testid=products-table] tbody tr");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync("Imported teapot");
            await Assertions.Expect(row.Locator("[data-testid=availability-badge]")).ToHaveTextAsync("In stock");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
