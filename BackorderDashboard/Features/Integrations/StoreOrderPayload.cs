using System.Globalization;
using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Integrations;

/// <summary>One line of a shop's order: its SKU (upper case), the units it holds now, and the price the customer pays there.</summary>
public sealed record StoreOrderLine(string Sku, int Quantity, long? UnitPriceCents);

/// <summary>A shop's order as the dashboard reads it from a webhook body, whatever the platform.</summary>
public sealed record StoreOrder(string StoreOrderId, string Name, string? Email, string CustomerName, string? Phone, DateTime? PlacedAt,
    DateTime? ChangedAt, bool Cancelled, IReadOnlyList<StoreOrderLine> Lines);

/// <summary>
/// Reads the order fields of Shopify's and WooCommerce's order webhooks (the shapes of their REST order resources). A
/// body that can't be read gives the reason, in the merchant's words, instead of an order.
/// </summary>
public static class StoreOrderPayload
{
    public static string Name(StorePlatform platform) => platform == StorePlatform.Shopify ? "Shopify" : "WooCommerce";

    public static OrderChannel Channel(StorePlatform platform) => platform == StorePlatform.Shopify ? OrderChannel.Shopify : OrderChannel.WooCommerce;

    /// <summary>The shop's order id and its change time, read when the delivery is stored (to keep deliveries of one order in order).</summary>
    public static (string? StoreOrderId, string? Name, DateTime? ChangedAt) Peek(StorePlatform platform, byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }
            return (Id(root), OrderName(platform, root), ChangedAt(platform, root));
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    public static (StoreOrder? Order, string? Problem) Read(StorePlatform platform, string body, string topic)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return (null, "The body is not JSON, so no order could be read from it.");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Id(root) is not { } id)
            {
                return (null, "The body names no order (it has no \"id\").");
            }
            var name = OrderName(platform, root) ?? id;
            var problems = new List<string>();
            var lines = new List<StoreOrderLine>();
            if (root.TryGetProperty("line_items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    var sku = Text(item, "sku")?.Trim().ToUpperInvariant();
                    // Shopify keeps a removed or reduced line with its first quantity; current_quantity is what is left of it.
                    var qty = Int(item, "current_quantity") ?? Int(item, "quantity") ?? 0;
                    if (string.IsNullOrEmpty(sku))
                    {
                        if (qty > 0)
                        {
                            problems.Add($"The line “{Text(item, "name") ?? Text(item, "title") ?? "(no name)"}” has no SKU: give the product its SKU in {Name(platform)}, or take the order by hand.");
                        }
                        continue;
                    }
                    if (sku.Length > Limits.MaxSkuLength)
                    {
                        problems.Add($"{sku[..20]}… is not a SKU: a SKU has at most {Limits.MaxSkuLength} characters.");
                        continue;
                    }
                    lines.Add(new StoreOrderLine(sku, Math.Max(0, qty), Cents(item, "price")));
                }
            }
            var grouped = lines.GroupBy(l => l.Sku)
                .Select(g => new StoreOrderLine(g.Key, g.Sum(l => l.Quantity), g.Select(l => l.UnitPriceCents).FirstOrDefault(p => p is not null)))
                .ToList();
            problems.AddRange(grouped.Where(l => l.Quantity > Limits.MaxUnitsPerOrderLine)
                .Select(l => $"{l.Quantity:N0} × {l.Sku} is more than the {Limits.MaxUnitsPerOrderLine:N0} units one order line may hold."));
            if (problems.Count > 0)
            {
                return (null, string.Join(" ", problems));
            }

            string? email, first, last, phone;
            bool cancelled;
            DateTime? placedAt;
            if (platform == StorePlatform.Shopify)
            {
                var customer = root.TryGetProperty("customer", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
                email = Text(root, "email") ?? Text(root, "contact_email") ?? Text(customer, "email");
                first = Text(customer, "first_name");
                last = Text(customer, "last_name");
                phone = Text(customer, "phone") ?? Text(root, "phone");
                if (first is null && last is null && root.TryGetProperty("billing_address", out var billing) && billing.ValueKind == JsonValueKind.Object)
                {
                    first = Text(billing, "first_name");
                    last = Text(billing, "last_name");
                }
                placedAt = Time(root, "created_at");
                cancelled = Time(root, "cancelled_at") is not null || topic == StoreWebhookTopics.ShopifyCancelled;
            }
            else
            {
                var billing = root.TryGetProperty("billing", out var b) && b.ValueKind == JsonValueKind.Object ? b : default;
                email = Text(billing, "email");
                first = Text(billing, "first_name");
                last = Text(billing, "last_name");
                phone = Text(billing, "phone");
                placedAt = Time(root, "date_created_gmt");
                cancelled = Text(root, "status") is "cancelled" or "refunded";
            }
            var customerName = string.Join(" ", new[] { first, last }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim()));
            return (new StoreOrder(id, name, email?.Trim() is { Length: > 0 } e ? e : null, customerName, phone?.Trim() is { Length: > 0 } p ? p : null,
                placedAt, ChangedAt(platform, root), cancelled, grouped), null);
        }
    }

    private static string? Id(JsonElement root) => root.TryGetProperty("id", out var id)
        ? id.ValueKind switch
        {
            JsonValueKind.Number => id.GetRawText(),
            JsonValueKind.String when id.GetString() is { Length: > 0 and <= WebhookInboxDelivery.StoreOrderIdMaxLength } text => text,
            _ => null,
        }
        : null;

    private static string? OrderName(StorePlatform platform, JsonElement root)
    {
        var name = platform == StorePlatform.Shopify
            ? Text(root, "name") ?? (Int(root, "order_number") is { } n ? $"#{n}" : null)
            : Text(root, "number");
        return name is { Length: > 64 } ? name[..64] : name;
    }

    private static DateTime? ChangedAt(StorePlatform platform, JsonElement root) =>
        platform == StorePlatform.Shopify ? Time(root, "updated_at") : Time(root, "date_modified_gmt");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt32(out var n) => n,
                JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
                _ => null,
            }
            : null;

    /// <summary>A price as the shops send it ("19.99", or a JSON number in WooCommerce's line items) in integer cents.</summary>
    private static long? Cents(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }
        decimal? price = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDecimal(out var d) => d,
            JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
        return price is { } p && p >= 0 && p * 100 <= Limits.MaxMoneyCents ? (long)Math.Round(p * 100, MidpointRounding.AwayFromZero) : null;
    }

    /// <summary>A time with its offset (Shopify), or without one (WooCommerce's *_gmt fields), as UTC.</summary>
    private static DateTime? Time(JsonElement element, string name) =>
        Text(element, name) is { Length: > 0 } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at.UtcDateTime
            : null;
}

/// <summary>The webhook topics the dashboard acts on; any other is acknowledged and kept as ignored.</summary>
public static class StoreWebhookTopics
{
    public const string ShopifyCreate = "orders/create";
    public const string ShopifyUpdated = "orders/updated";
    public const string ShopifyCancelled = "orders/cancelled";
    public const string WooCreated = "order.created";
    public const string WooUpdated = "order.updated";

    public static bool Handles(StorePlatform platform, string topic) => platform == StorePlatform.Shopify
        ? topic is ShopifyCreate or ShopifyUpdated or ShopifyCancelled
        : topic is WooCreated or WooUpdated;
}
