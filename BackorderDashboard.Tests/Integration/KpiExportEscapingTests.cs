using System.Net;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>The KPI CSV downloads with hostile supplier and product names in the store, through the real endpoint.</summary>
[Collection(AppCollection.Name)]
public class KpiExportEscapingTests(AppFactory app)
{
    private const string HostileSupplier = "=HYPERLINK(\"http://evil.example\",\"Pinecrest\")";
    private const string HostileProduct = "+cmd|' /C calc'!A0";

    /// <summary>
    /// A period no other test asks for, so its report is computed now, with the names as they are now (reports are
    /// reused for a minute); the grouping changes the report asked for, not its top SKUs or suppliers.
    /// </summary>
    private string Period(string group)
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        return $"range=custom&from={today.AddDays(-171):yyyy-MM-dd}&to={today.AddDays(-1):yyyy-MM-dd}&group={group}";
    }

    private static async Task<string[]> CsvAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task SuppliersAndTopSkusCsv_HostileNames_AreNeutralisedText_FiguresStayNumbers()
    {
        var manager = await app.CreateSignedInClientAsync("manager@example.com");
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var top = (await CsvAsync(manager, $"/kpi/export/top-backordered.csv?{Period("week")}"))[1].Split(',')[0];
        int supplierId, productId;
        string supplierName, productName;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var supplier = await db.Suppliers.FirstAsync(s => s.Name.StartsWith("Pinecrest"));
            var product = await db.Products.FirstAsync(p => p.Sku == top);
            (supplierId, supplierName, productId, productName) = (supplier.Id, supplier.Name, product.Id, product.Name);
            await db.Suppliers.Where(s => s.Id == supplierId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, HostileSupplier));
            await db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, HostileProduct));
        }
        try
        {
            var suppliers = await CsvAsync(manager, $"/kpi/export/suppliers.csv?{Period("month")}");
            var topSkus = await CsvAsync(manager, $"/kpi/export/top-backordered.csv?{Period("month")}");

            var hostileRow = Assert.Single(suppliers, l => l.Contains("Pinecrest"));
            Assert.StartsWith("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Pinecrest\"\")\",", hostileRow);
            Assert.Matches(@",\d+,[\d.]*,[\d.]*,[\d.]*$", hostileRow);
            Assert.StartsWith($"{top},'+cmd|' /C calc'!A0,", topSkus[1]);
            Assert.Matches(@",\d+$", topSkus[1]);
        }
        finally
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Suppliers.Where(s => s.Id == supplierId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, supplierName));
            await db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, productName));
        }
    }
}
