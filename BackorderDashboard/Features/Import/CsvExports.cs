using System.Globalization;
using System.Text;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Customers;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;

namespace BackorderDashboard.Features.Import;

/// <summary>
/// The CSV downloads of the lists: each reads its filters from the address exactly as its page does (the page links
/// here with what is on screen), asks the page's own service, and writes each row as it reads it, through the one
/// writer (<see cref="Csv"/>), so a name that looks like a formula stays text. Each needs the policy of its page. A
/// filter that cannot be read is answered 400 with problem details naming it, as the KPI export does: a file of other
/// rows than the address asks for would be taken for the ones asked for.
/// </summary>
public static class CsvExports
{
    /// <summary>Rows the list exports ask their service for at a time, where the page's query is paged.</summary>
    public const int Chunk = 500;

    public static IEndpointRouteBuilder MapCsvExports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/products/export.csv", async (string? q, string? status, string? category, string? supplier,
                ProductService products, SettingsService settings) =>
            {
                var address = new QueryParameters();
                var query = ProductQueryText.Parse(q, status, category, supplier, address);
                return address.HasProblems ? Problem(address) : File("products", await settings.GetClockAsync(),
                    ["sku", "name", "category", "supplier", "status", "badge", "available", "on_hand", "allocated", "inbound", "backordered_units",
                        "backordered_lines", "late", "next_ship_date", "next_ship_latest"],
                    ProductRows(products, query));
            })
            .RequireAuthorization(Policies.Staff);

        endpoints.MapGet("/backorders/export.csv", async (string? product, string? category, string? supplier, string? age, string? late,
                string? tier, string? ship, string? reauth, BackorderService backorders, SettingsService settings) =>
            {
                var address = new QueryParameters();
                var query = QueueQueryText.Parse(product, category, supplier, age, late, tier, ship, reauth, address);
                var clock = await settings.GetClockAsync();
                return address.HasProblems ? Problem(address) : File("backorders", clock,
                    ["order", "customer", "sku", "product", "qty_waiting", "place", "queued_at", "promised", "eta", "late", "expedited"],
                    QueueRows(backorders, query, clock));
            })
            .RequireAuthorization(Policies.Staff);

        endpoints.MapGet("/purchase-orders/export.csv", async (string? q, string? supplier, string? status, string? overdue,
                PurchaseOrderService purchaseOrders, SettingsService settings) =>
            {
                var address = new QueryParameters();
                var query = PurchaseOrderQueryText.Parse(q, supplier, status, overdue, address);
                var clock = await settings.GetClockAsync();
                return address.HasProblems ? Problem(address) : File("purchase-orders", clock,
                    ["po_number", "supplier", "status", "ordered_at", "expected_date", "overdue", "sku", "product", "quantity", "received", "unit_cost"],
                    PurchaseOrderRows(purchaseOrders, query, clock));
            })
            .RequireAuthorization(Policies.RestockRead);

        endpoints.MapGet("/orders/export.csv", async (string? q, string? customer, OrderService orders, SettingsService settings) =>
            {
                var address = new QueryParameters();
                var query = new OrderExportQuery(address.Text("q", q, "search", "exporting no search"),
                    address.Id("customer", customer, "customer number", "exporting no customer"));
                if (query.Search is null && query.CustomerId is null)
                {
                    address.Add("q", "Say which orders: a search of at least two characters (q) or a customer (customer).");
                }
                var clock = await settings.GetClockAsync();
                return address.HasProblems ? Problem(address) : File(query.CustomerId is { } id ? $"orders-customer-{id}" : "orders", clock,
                    ["order", "placed_at", "customer", "email", "channel", "ship_policy", "sku", "product", "quantity", "unit_price", "allocated",
                        "shipped", "cancelled", "waiting", "promised", "eta"],
                    OrderRows(orders, query, clock));
            })
            .RequireAuthorization(Policies.Staff);

        endpoints.MapGet("/customers/export.csv", async (string? q, string? tier, string? open, CustomerService customers, SettingsService settings) =>
            {
                var address = new QueryParameters();
                var query = CustomerQueryText.Parse(q, tier, open, address);
                var clock = await settings.GetClockAsync();
                return address.HasProblems ? Problem(address) : File("customers", clock,
                    ["name", "email", "phone", "tier", "orders", "open_backorder_lines", "units_waiting", "last_order_at"],
                    CustomerRows(customers, query, clock));
            })
            .RequireAuthorization(Policies.Staff);
        return endpoints;
    }

    private static async IAsyncEnumerable<CsvCell[]> ProductRows(ProductService products, ProductQuery query)
    {
        for (var page = 0; ; page++)
        {
            var rows = (await products.GetPageAsync(query with { Page = page, PageSize = Chunk })).Rows;
            foreach (var r in rows)
            {
                yield return
                [
                    Text(r.Sku), Text(r.Name), Text(r.Category), Text(r.Supplier), Text(ProductFilters.Label(Enum.Parse<ProductFilter>(r.Availability.Status.ToString()))),
                    Text(r.Availability.BadgeText), Number(r.Available), Number(r.OnHand), Number(r.Allocated), Number(r.Inbound),
                    Number(r.BackorderedUnits), Number(r.QueuedLines), YesNo(r.HasLateLines), Day(r.Availability.ShipDate), Day(r.Availability.ShipDateLatest),
                ];
            }
            if (rows.Count < Chunk)
            {
                yield break;
            }
        }
    }

    private static async IAsyncEnumerable<CsvCell[]> QueueRows(BackorderService backorders, QueueQuery query, MerchantClock clock)
    {
        for (var page = 0; ; page++)
        {
            var rows = (await backorders.GetQueueAsync(query with { Page = page, PageSize = Chunk })).Rows;
            foreach (var r in rows)
            {
                yield return
                [
                    Text(r.OrderNumber), Text(r.Customer), Text(r.Sku), Text(r.ProductName), Number(r.Unfilled), Number(r.Position),
                    Time(clock, r.QueuedAt), Day(r.Promised), Day(r.Eta), YesNo(r.Late), YesNo(r.Expedited),
                ];
            }
            if (rows.Count < Chunk)
            {
                yield break;
            }
        }
    }

    private static async IAsyncEnumerable<CsvCell[]> PurchaseOrderRows(PurchaseOrderService purchaseOrders, PurchaseOrderQuery query, MerchantClock clock)
    {
        await foreach (var r in purchaseOrders.StreamLinesAsync(query))
        {
            yield return
            [
                Text(r.Number), Text(r.Supplier), Text(PurchaseOrderText.Status(r.Status)), Time(clock, r.OrderedAt), Day(r.ExpectedDate), YesNo(r.Overdue),
                Text(r.Sku), Text(r.ProductName), Number(r.Ordered), Number(r.Received), Money(r.UnitCostCents),
            ];
        }
    }

    private static async IAsyncEnumerable<CsvCell[]> OrderRows(OrderService orders, OrderExportQuery query, MerchantClock clock)
    {
        await foreach (var r in orders.StreamLinesAsync(query))
        {
            yield return
            [
                Text(r.Number), Time(clock, r.PlacedAt), Text(r.Customer), Text(r.Email), Text(r.Channel.ToString()),
                Text(r.ShipPolicy == ShipPolicy.ShipComplete ? "ship complete" : "ship what's available"), Text(r.Sku), Text(r.ProductName),
                Number(r.Qty), Money(r.UnitPriceCents), Number(r.Allocated), Number(r.Shipped), Number(r.Cancelled), Number(r.Waiting),
                Day(r.Promised), Day(r.Eta),
            ];
        }
    }

    private static async IAsyncEnumerable<CsvCell[]> CustomerRows(CustomerService customers, CustomerQuery query, MerchantClock clock)
    {
        await foreach (var r in customers.StreamAsync(query))
        {
            yield return
            [
                Text(r.Name), Text(r.Email), Text(r.Phone), Text(CustomerService.TierText(r.Tier)), Number(r.Orders), Number(r.OpenLines),
                Number(r.UnitsWaiting), Time(clock, r.LastOrderAt),
            ];
        }
    }

    /// <summary>
    /// The file, written as its rows are read. UTF-8 with a byte order mark, so a spreadsheet reads "–" and accented
    /// names as they are; named after the list and the store's day, e.g. products-2026-12-03.csv.
    /// </summary>
    private static IResult File(string name, MerchantClock clock, string[] header, IAsyncEnumerable<CsvCell[]> rows) =>
        Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024);
            await writer.WriteAsync(Csv.Row(header.Select(CsvCell.Text)));
            await foreach (var row in rows)
            {
                await writer.WriteAsync(Csv.Row(row));
            }
        }, Csv.ContentType, $"{name}-{clock.Today:yyyy-MM-dd}.csv");

    private static IResult Problem(QueryParameters address) => Results.ValidationProblem(
        address.Problems.GroupBy(p => p.Parameter).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
        title: "The export's filters cannot be read.");

    private static CsvCell Text(string? value) => CsvCell.Text(value);

    private static CsvCell Number(long value) => CsvCell.Number(value);

    private static CsvCell Money(long cents) => CsvCell.Number(cents / 100m, "0.00");

    private static CsvCell YesNo(bool value) => CsvCell.Text(value ? "yes" : "no");

    private static CsvCell Day(DateOnly? day) => CsvCell.Text(day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>A moment as the store's local date and time, e.g. 2026-12-03 14:05.</summary>
    private static CsvCell Time(MerchantClock clock, DateTime? utc) =>
        CsvCell.Text(utc is { } at ? clock.ToLocal(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : null);
}
