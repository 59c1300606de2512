using System.Globalization;
using System.Text;
using BackorderDashboard.Features.Integrations;

namespace BackorderDashboard.Tests.Features.Integrations;

/// <summary>
/// Webhook bodies in the shapes the platforms document: Shopify's order resource (orders/create, orders/updated,
/// orders/cancelled: money as decimal strings, times with their offset, removed units in current_quantity) and
/// WooCommerce's REST v3 order (number as a string, *_gmt times without an offset, line prices as JSON numbers).
/// </summary>
public static class StoreWebhookFixtures
{
    public const string ShopifySecret = "shpss_test_0123456789abcdef";
    public const string WooSecret = "wc_test_secret_0123456789";

    public sealed record Line(string? Sku, int Quantity, string Price = "19.99", int? CurrentQuantity = null);

    public static string Shopify(long id, int number, DateTimeOffset createdAt, DateTimeOffset updatedAt, IReadOnlyList<Line> lines,
        string? email = "ada@example.com", DateTimeOffset? cancelledAt = null)
    {
        var items = string.Join(",\n", lines.Select((l, i) => $$"""
                {
                  "id": {{id * 10 + i}},
                  "admin_graphql_api_id": "gid://shopify/LineItem/{{id * 10 + i}}",
                  "fulfillable_quantity": {{l.CurrentQuantity ?? l.Quantity}},
                  "fulfillment_service": "manual",
                  "fulfillment_status": null,
                  "gift_card": false,
                  "grams": 500,
                  "name": "Product {{l.Sku}}",
                  "price": "{{l.Price}}",
                  "price_set": { "shop_money": { "amount": "{{l.Price}}", "currency_code": "USD" }, "presentment_money": { "amount": "{{l.Price}}", "currency_code": "USD" } },
                  "product_exists": true,
                  "product_id": 788032119674292922,
                  "quantity": {{l.Quantity}},
                  {{(l.CurrentQuantity is { } current ? $"\"current_quantity\": {current}," : "")}}
                  "requires_shipping": true,
                  "sku": {{(l.Sku is null ? "null" : $"\"{l.Sku}\"")}},
                  "taxable": true,
                  "title": "Product {{l.Sku}}",
                  "total_discount": "0.00",
                  "variant_id": 642667041472713922,
                  "variant_title": null,
                  "vendor": null
                }
            """));
        return $$"""
            {
              "id": {{id}},
              "admin_graphql_api_id": "gid://shopify/Order/{{id}}",
              "app_id": null,
              "browser_ip": null,
              "buyer_accepts_marketing": true,
              "cancel_reason": {{(cancelledAt is null ? "null" : "\"customer\"")}},
              "cancelled_at": {{Time(cancelledAt)}},
              "confirmation_number": "QWERTY{{number}}",
              "confirmed": true,
              "contact_email": {{(email is null ? "null" : $"\"{email}\"")}},
              "created_at": {{Time(createdAt)}},
              "currency": "USD",
              "current_subtotal_price": "59.97",
              "email": {{(email is null ? "null" : $"\"{email}\"")}},
              "financial_status": "paid",
              "fulfillment_status": null,
              "name": "#{{number}}",
              "note": null,
              "order_number": {{number}},
              "phone": null,
              "presentment_currency": "USD",
              "processed_at": {{Time(createdAt)}},
              "subtotal_price": "59.97",
              "tags": "",
              "test": false,
              "total_price": "59.97",
              "updated_at": {{Time(updatedAt)}},
              "billing_address": { "first_name": "Ada", "last_name": "Lovelace", "address1": "1 Analytical Way", "city": "London", "zip": "N1 1AA", "country_code": "GB" },
              "customer": {
                "id": 115310627314723954,
                "email": {{(email is null ? "null" : $"\"{email}\"")}},
                "created_at": {{Time(createdAt)}},
                "updated_at": {{Time(updatedAt)}},
                "first_name": "Ada",
                "last_name": "Lovelace",
                "state": "enabled",
                "phone": "+44 20 7946 0000",
                "currency": "USD"
              },
              "line_items": [
            {{items}}
              ],
              "shipping_lines": [],
              "refunds": []
            }
            """;
    }

    public static string Woo(int id, DateTime createdGmt, DateTime modifiedGmt, IReadOnlyList<Line> lines, string status = "processing",
        string email = "grace@example.com")
    {
        var items = string.Join(",\n", lines.Select((l, i) => $$"""
                {
                  "id": {{id * 10 + i}},
                  "name": "Product {{l.Sku}}",
                  "product_id": 93,
                  "variation_id": 0,
                  "quantity": {{l.Quantity}},
                  "tax_class": "",
                  "subtotal": "{{Total(l)}}",
                  "subtotal_tax": "0.00",
                  "total": "{{Total(l)}}",
                  "total_tax": "0.00",
                  "taxes": [],
                  "meta_data": [],
                  "sku": "{{l.Sku}}",
                  "price": {{l.Price}}
                }
            """));
        return $$"""
            {
              "id": {{id}},
              "parent_id": 0,
              "number": "{{id}}",
              "order_key": "wc_order_58d2d042d1d{{id}}",
              "created_via": "checkout",
              "version": "9.4.2",
              "status": "{{status}}",
              "currency": "USD",
              "date_created": "{{Gmt(createdGmt)}}",
              "date_created_gmt": "{{Gmt(createdGmt)}}",
              "date_modified": "{{Gmt(modifiedGmt)}}",
              "date_modified_gmt": "{{Gmt(modifiedGmt)}}",
              "discount_total": "0.00",
              "shipping_total": "10.00",
              "total": "49.98",
              "total_tax": "0.00",
              "prices_include_tax": false,
              "customer_id": 0,
              "customer_note": "",
              "billing": {
                "first_name": "Grace",
                "last_name": "Hopper",
                "company": "",
                "address_1": "969 Market",
                "address_2": "",
                "city": "San Francisco",
                "state": "CA",
                "postcode": "94103",
                "country": "US",
                "email": "{{email}}",
                "phone": "(555) 555-5555"
              },
              "shipping": { "first_name": "Grace", "last_name": "Hopper", "address_1": "969 Market", "city": "San Francisco", "state": "CA", "postcode": "94103", "country": "US" },
              "payment_method": "bacs",
              "payment_method_title": "Direct Bank Transfer",
              "transaction_id": "",
              "date_paid": null,
              "date_completed": null,
              "line_items": [
            {{items}}
              ],
              "tax_lines": [],
              "shipping_lines": [],
              "fee_lines": [],
              "coupon_lines": [],
              "refunds": []
            }
            """;
    }

    /// <summary>The headers Shopify sends with a delivery, signed with <paramref name="secret"/> over exactly <paramref name="body"/>.</summary>
    public static Dictionary<string, string> ShopifyHeaders(string topic, string body, string? eventId = null, string secret = ShopifySecret) => new()
    {
        [StoreWebhookReceiver.ShopifyTopic] = topic,
        [StoreWebhookReceiver.ShopifySignature] = StoreWebhookReceiver.Sign(secret, Encoding.UTF8.GetBytes(body)),
        [StoreWebhookReceiver.ShopifyEventId] = eventId ?? Guid.NewGuid().ToString(),
        [StoreWebhookReceiver.ShopifyWebhookId] = Guid.NewGuid().ToString(),
        ["X-Shopify-Shop-Domain"] = "northwind.myshopify.com",
        ["X-Shopify-API-Version"] = "2025-10",
        [StoreWebhookReceiver.ShopifyTriggeredAt] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    };

    public static Dictionary<string, string> WooHeaders(string topic, string body, string? deliveryId = null, string secret = WooSecret) => new()
    {
        [StoreWebhookReceiver.WooTopic] = topic,
        [StoreWebhookReceiver.WooSignature] = StoreWebhookReceiver.Sign(secret, Encoding.UTF8.GetBytes(body)),
        [StoreWebhookReceiver.WooDeliveryId] = deliveryId ?? Guid.NewGuid().ToString("N"),
        ["X-WC-Webhook-ID"] = "3",
        ["X-WC-Webhook-Resource"] = "order",
        ["X-WC-Webhook-Event"] = topic.Split('.')[1],
        ["X-WC-Webhook-Source"] = "https://shop.example.com/",
    };

    private static string Time(DateTimeOffset? at) => at is { } t ? $"\"{t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)}\"" : "null";

    private static string Gmt(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Total(Line l) => (decimal.Parse(l.Price, CultureInfo.InvariantCulture) * l.Quantity).ToString("0.00", CultureInfo.InvariantCulture);
}
