using System.Net;
using System.Text;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Customers;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// Each list's CSV download through the real endpoint, with a filter: its rows are the rows the page's own query gives
/// for the same filter, a name that looks like a formula is written as text, and a role the page refuses gets no file.
/// </summary>
[Collection(AppCollection.Name)]
public class CsvExportTests(AppFactory app)
{
    private const string HostileName = "=HYPERLINK(\"http://evil.example\",\"Pinecrest\")";
    private const string HostileProduct = "+cmd|' /C calc'!A0";

    /// <summary>The file's rows (header first), its cells unquoted as RFC 4180 says, and its file name.</summary>
    private static async Task<(List<string[]> Rows, string FileName)> DownloadAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        return (Parse(Encoding.UTF8.GetString(bytes[3..])), response.Content.Headers.ContentDisposition?.FileNameStar
            ?? response.Content.Headers.ContentDisposition?.FileName ?? "");
    }

    private static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }
        Assert.Empty(row);
        return rows;
    }

    private async Task<string> TodayAsync() => (await app.StoreDayAsync()).Today.ToString("yyyy-MM-dd");

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task CustomersCsv_SearchFilter_RowsOfTheListAndAFormulaNameNeutralised()
    {
        var tag = Tag();
        var sku = await app.AddProductAsync();
        await app.PlaceOrderAsync(HostileName, $"hostile.{tag}@example.com", sku);
        await app.PlaceOrderAsync("Plain Person", $"plain.{tag}@example.com", sku, qty: 2);
        var merchant = await app.CreateSignedInClientAsync("merchant@example.com");

        var (rows, fileName) = await DownloadAsync(merchant, $"/customers/export.csv?q={tag}&open=true");

        Assert.Equal($"customers-{await TodayAsync()}.csv", fileName);
        Assert.Equal(["name", "email", "phone", "tier", "orders", "open_backorder_lines", "units_waiting", "last_order_at"], rows[0]);
        using var scope = app.Services.CreateScope();
        var expected = (await scope.ServiceProvider.GetRequiredService<CustomerService>().GetPageAsync(new CustomerQuery(tag, OpenBackordersOnly: true))).Rows;
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected.Select(r => r.Email), rows.Skip(1).Select(r => r[1]));
        Assert.Equal("'" + HostileName, rows.Single(r => r[1].StartsWith("hostile.")).First());
        Assert.Equal(["Plain Person", $"plain.{tag}@example.com", "", "Standard", "1", "1", "2"], rows.Single(r => r[0] == "Plain Person")[..7]);
    }

    [Fact]
    public async Task ProductsCsv_SearchFilter_BadgeAndNextShipDateAsThePageShowsThem()
    {
        var sku = await app.AddProductAsync(name: HostileProduct);
        var (_, _, expected) = await app.PlacePurchaseOrderAsync(sku, 5, 10);
        await app.PlaceOrderAsync("Quinn Queue", $"quinn.{Tag()}@example.com", sku);
        var manager = await app.CreateSignedInClientAsync("manager@example.com");

        var (rows, fileName) = await DownloadAsync(manager, $"/products/export.csv?q={sku}&status=backordered");

        Assert.Equal($"products-{await TodayAsync()}.csv", fileName);
        using var scope = app.Services.CreateScope();
        var page = await scope.ServiceProvider.GetRequiredService<ProductService>().GetPageAsync(new ProductQuery(sku, ProductFilter.Backordered));
        var product = Assert.Single(page.Rows);
        var row = Assert.Single(rows.Skip(1));
        var cells = rows[0].Zip(row).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal((sku, "'" + HostileProduct), (cells["sku"], cells["name"]));
        Assert.Equal(product.Availability.BadgeText, cells["badge"]);
        Assert.Equal(product.Availability.ShipDate!.Value.ToString("yyyy-MM-dd"), cells["next_ship_date"]);
        Assert.True(product.Availability.ShipDate > expected);
        Assert.Equal(("Backordered", "1", "5"), (cells["status"], cells["backordered_units"], cells["inbound"]));
    }

    [Fact]
    public async Task BackordersCsv_ProductFilter_TheQueueInPlaceOrder()
    {
        var sku = await app.AddProductAsync();
        await app.PlacePurchaseOrderAsync(sku, 1, 5);
        var first = await app.PlaceOrderAsync(HostileName, $"first.{Tag()}@example.com", sku);
        var second = await app.PlaceOrderAsync("Second Sam", $"second.{Tag()}@example.com", sku, qty: 3);
        var support = await app.CreateSignedInClientAsync("support@example.com");

        var (rows, fileName) = await DownloadAsync(support, $"/backorders/export.csv?product={sku}");

        Assert.Equal($"backorders-{await TodayAsync()}.csv", fileName);
        Assert.Equal(["order", "customer", "sku", "product", "qty_waiting", "place", "queued_at", "promised", "eta", "late", "expedited"], rows[0]);
        using var scope = app.Services.CreateScope();
        var queue = (await scope.ServiceProvider.GetRequiredService<BackorderService>().GetQueueAsync(new QueueQuery(Product: sku))).Rows;
        Assert.Equal(queue.Select(r => r.OrderNumber), rows.Skip(1).Select(r => r[0]));
        Assert.Equal([first, second], rows.Skip(1).Select(r => r[0]));
        Assert.Equal(["'" + HostileName, sku, "1", "1"], new[] { rows[1][1], rows[1][2], rows[1][4], rows[1][5] });
        Assert.Equal(["3", "2", queue[1].Eta!.Value.ToString("yyyy-MM-dd"), "no"], new[] { rows[2][4], rows[2][5], rows[2][8], rows[2][9] });
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d$", rows[1][6]);
    }

    [Fact]
    public async Task PurchaseOrdersCsv_SearchFilter_OneRowPerLine()
    {
        var sku = await app.AddProductAsync();
        var (_, number, expected) = await app.PlacePurchaseOrderAsync(sku, 7, 12);
        var manager = await app.CreateSignedInClientAsync("manager@example.com");

        var (rows, fileName) = await DownloadAsync(manager, $"/purchase-orders/export.csv?q={sku}&status=ordered");

        Assert.Equal($"purchase-orders-{await TodayAsync()}.csv", fileName);
        using var scope = app.Services.CreateScope();
        var (list, _) = await scope.ServiceProvider.GetRequiredService<PurchaseOrderService>()
            .ListAsync(new PurchaseOrderQuery(Status: PurchaseOrderStatus.Ordered, Search: sku));
        Assert.Equal(number, Assert.Single(list).Number);
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal([number, expected.ToString("yyyy-MM-dd"), sku, "7", "0"], new[] { row[0], row[4], row[6], row[8], row[9] });
    }

    [Fact]
    public async Task OrdersCsv_SearchAndCustomer_TheLinesOfTheOrdersFound()
    {
        var tag = Tag();
        var sku = await app.AddProductAsync(onHand: 1);
        var first = await app.PlaceOrderAsync("Olga Orders", $"olga.{tag}@example.com", sku, qty: 3);
        var second = await app.PlaceOrderAsync("Olga Orders", $"olga.{tag}@example.com", sku);
        var support = await app.CreateSignedInClientAsync("support@example.com");

        var (bySearch, fileName) = await DownloadAsync(support, $"/orders/export.csv?q=olga.{tag}");
        int customerId;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            customerId = await db.Customers.Where(c => c.Email == $"olga.{tag}@example.com").Select(c => c.Id).SingleAsync();
        }
        var (byCustomer, customerFile) = await DownloadAsync(support, $"/orders/export.csv?customer={customerId}");

        Assert.Equal($"orders-{await TodayAsync()}.csv", fileName);
        Assert.Equal($"orders-customer-{customerId}-{await TodayAsync()}.csv", customerFile);
        Assert.Equal([second, first], bySearch.Skip(1).Select(r => r[0]));
        Assert.Equal(bySearch, byCustomer);
        var cells = bySearch[0].Zip(bySearch[2]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(("3", "1", "2", "25.00"), (cells["quantity"], cells["allocated"], cells["waiting"], cells["unit_price"]));
    }

    [Fact]
    public async Task Exports_FilterThatCannotBeRead_400NamingTheParameter()
    {
        var merchant = await app.CreateSignedInClientAsync("merchant@example.com");

        var response = await merchant.GetAsync("/customers/export.csv?tier=gold");
        var orders = await merchant.GetAsync("/orders/export.csv");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"tier\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, orders.StatusCode);
    }

    [Fact]
    public async Task PurchaseOrdersCsv_Support_RefusedWithoutAFile()
    {
        var support = await app.CreateSignedInClientAsync("support@example.com");

        var response = await support.GetAsync("/purchase-orders/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString);
    }

    [Fact]
    public void QueueQueryText_EveryFilter_RoundTripsThroughTheAddress()
    {
        var query = new QueueQuery("KET", 3, 4, true, BackorderDashboard.Domain.AgeBucket.From8To14Days, CustomerTier.Vip, true, ShipPolicy.ShipComplete);
        var url = new Uri("http://x" + QueueQueryText.Url("/backorders/export.csv", query));
        var q = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query);
        var address = new QueryParameters();

        var read = QueueQueryText.Parse(q["product"], q["category"], q["supplier"], q["age"], q["late"], q["tier"], q["ship"], q["reauth"], address);

        Assert.Empty(address.Problems);
        Assert.Equal(query, read);
    }
}
