using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Orders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Features.Api;

public sealed record OrderCustomerRequest(string? Email, string? Name, string? Phone, string? Tier);

public sealed record OrderLineRequest(string? Sku, int? Quantity, long? UnitPriceCents);

public sealed record OrderPaymentRequest(DateTimeOffset? AuthorizedAt, DateTimeOffset? ExpiresAt);

/// <summary>An order a storefront sends: its own number and placement time when it has them, the customer, how it ships, its lines.</summary>
public sealed record OrderRequest(string? Number, DateTimeOffset? PlacedAt, OrderCustomerRequest? Customer, string? ShipPolicy,
    IReadOnlyList<OrderLineRequest?>? Lines, OrderPaymentRequest? Payment);

public sealed record PlacedOrderLine(string Sku, int Quantity, int Allocated, int Backordered, DateOnly? PromisedShipDate);

/// <summary>The order taken: our number, the customer's tracking link, and what each line got from stock and what waits.</summary>
public sealed record PlacedOrder(string Number, string TrackingUrl, IReadOnlyList<PlacedOrderLine> Lines);

public sealed record OrderLineDetails(string Sku, string Name, int Quantity, long UnitPriceCents, string Status, int Allocated, int Shipped, int Cancelled,
    int Waiting, DateOnly? PromisedShipDate, DateOnly? Eta, int? PlaceInLine, int? UnitsAhead, bool Late);

public sealed record OrderShipmentDetails(DateOnly ShippedOn, string? Carrier, string? TrackingNumber, string? CarrierTrackingUrl,
    IReadOnlyList<OrderShipmentItem> Items);

public sealed record OrderShipmentItem(string Name, int Quantity);

public sealed record OrderPaymentDetails(DateOnly AuthorizationExpiresOn, bool Captured, bool ReauthorizeBeforeShip);

/// <summary>An order as the storefront reads it: the order page's lines, dates and places in line.</summary>
public sealed record OrderDetails(string Number, DateOnly PlacedOn, string ShipPolicy, string TrackingUrl, OrderPaymentDetails Payment,
    IReadOnlyList<OrderLineDetails> Lines, IReadOnlyList<OrderShipmentDetails> Shipments);

public sealed record CancelLineRequest(string? Sku, int? Quantity);

/// <summary>What to cancel: the lines and units (none named: everything still open), why, and whether the customer joins the waitlist.</summary>
public sealed record CancelOrderRequest(IReadOnlyList<CancelLineRequest?>? Lines, string? Reason, bool? Waitlist);

public sealed record CancelledLine(string Sku, int Quantity);

public sealed record OrderCancelled(string Number, IReadOnlyList<CancelledLine> Cancelled, OrderDetails Order);

/// <summary>
/// The storefront's order calls: place an order (idempotent by the caller's key), read where it stands, cancel lines.
/// They go through the order intake, the order page's read and the cancellation the staff use, with the API key as
/// the actor, so an order placed here follows exactly the rules of one taken on the New order page.
/// </summary>
public static class OrderApi
{
    public const string PlaceOperation = "POST /api/v1/orders";
    public const string IdempotencyHeader = ApiIdempotency.Header;
    public const int MaxLines = 200;
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>How far ahead of the store's clock a storefront's placement time may be (clocks drift) before it is refused.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far back a storefront's placement time may go. An order queues by when it was placed, so a storefront
    /// retrying for a while keeps its customer's place; an older time would put a new order ahead of customers who
    /// have long been waiting.
    /// </summary>
    public static readonly TimeSpan MaxPlacedAtAge = TimeSpan.FromDays(7);

    public static void MapOrderApi(this RouteGroupBuilder api)
    {
        api.MapPost("/orders", PlaceAsync)
            .WithMetadata(new ApiScope(Access.Scopes.OrdersWrite))
            .WithName("PlaceOrder")
            .WithSummary("Place an order; each line takes stock first and the rest is backordered with a promised ship date (scope orders:write)")
            .WithDescription("Send an `Idempotency-Key` header: the same key with the same body answers the same again and places nothing more; "
                + "with another body it is 409. A line that can't be taken (unknown SKU, not backorderable, cap reached) is 422 naming its SKU, and nothing is stored.")
            .Accepts<OrderRequest>("application/json")
            .Produces<PlacedOrder>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/orders/{number}", GetAsync)
            .WithMetadata(new ApiScope(Access.Scopes.OrdersRead))
            .WithName("GetOrder")
            .WithSummary("An order's lines: status, units allocated, shipped, cancelled and waiting, promised date, ETA, place in line, late (scope orders:read)")
            .WithDescription("`eta`, `placeInLine` and `unitsAhead` are given while some units of the line wait for stock; `late` is an ETA past the date first promised. "
                + "Dates are the store's calendar days; `trackingUrl` is the customer's own page, as their e-mails link to it.")
            .Produces<OrderDetails>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/orders/{number}/cancel", CancelAsync)
            .WithMetadata(new ApiScope(Access.Scopes.OrdersWrite), new OptionalIdempotencyKey("cancellation"))
            .AddEndpointFilter<OptionalIdempotencyFilter>()
            .WithName("CancelOrderLines")
            .WithSummary("Cancel lines or units of an order (none named: everything still open); freed stock goes to the next in line (scope orders:write)")
            .Accepts<CancelOrderRequest>("application/json")
            .Produces<OrderCancelled>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    // ---- POST /orders ----

    private static async Task<IResult> PlaceAsync(HttpContext http, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        IDbContextFactory<AppDbContext> dbFactory, OrderIntakeService intake, IOptions<MessagingOptions> messaging, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var caller = ApiKeyFilter.Caller(http);
        var (key, keyProblem) = ApiIdempotency.KeyOf(idempotencyKey, "order");
        if (keyProblem is not null)
        {
            return keyProblem;
        }
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            return ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, "Too large", $"An order can be at most {MaxBodyBytes / 1024} KB of JSON.");
        }
        var hash = ApiHash.Of(body);

        // A repeat answers from what was stored without taking the write lock; a first call is checked again under it.
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await StoredAsync(read, caller.KeyId, key, ct) is { } earlier)
            {
                return Replay(earlier, hash);
            }
        }

        var (request, problems) = Parse(body, time.GetUtcNow().UtcDateTime);
        if (request is null)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "Invalid request", "The order has problems; each is named under its field.", problems);
        }

        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.BeginWriteAsync(ct);
            if (await StoredAsync(db, caller.KeyId, key, ct) is { } earlier)
            {
                return Replay(earlier, hash);
            }
            if (request.Intake.ExternalNumber is { } external
                && await db.Orders.Where(o => o.Channel == OrderChannel.Api && o.ExternalNumber == external).Select(o => o.Number).FirstOrDefaultAsync(ct) is { } placed)
            {
                return Conflict("number", $"Order {external} was placed already, as {placed} (with another Idempotency-Key). Read it with GET /api/v1/orders/{placed}.");
            }
            var result = await intake.PlaceOneInAsync(db, request.Intake, caller.Actor, ct);
            if (result.Refused)
            {
                return ApiProblem.Of(StatusCodes.Status403Forbidden, "Not allowed", string.Join(" ", result.Errors));
            }
            if (!result.Succeeded)
            {
                return Unprocessable(request, result);
            }
            var token = await db.Orders.Where(o => o.Number == result.OrderNumber).Select(o => o.TrackingToken).SingleAsync(ct);
            var answer = new PlacedOrder(result.OrderNumber!, TrackingUrl(messaging.Value, token),
                result.Lines.Select(l => new PlacedOrderLine(l.Sku, l.Qty, l.FromStock, l.Backordered, l.Backordered > 0 ? l.Promised : null)).ToList());
            var json = JsonSerializer.Serialize(answer, JsonSerializerOptions.Web);
            db.ApiIdempotency.Add(new ApiIdempotencyRecord
            {
                ApiKeyId = caller.KeyId, Operation = PlaceOperation, IdempotencyKey = key, RequestHash = hash,
                StatusCode = StatusCodes.Status201Created, ResponseJson = json, CreatedAt = time.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return Created(answer.Number, json);
        }
        catch (DbUpdateException)
        {
            // A database without SQLite's single writer (PostgreSQL) lets a concurrent repeat reach the unique index:
            // that transaction is rolled back, and the answer is the one the other stored.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            if (await StoredAsync(again, caller.KeyId, key, ct) is { } earlier)
            {
                return Replay(earlier, hash);
            }
            throw;
        }
    }

    private sealed record ParsedOrder(IntakeRequest Intake, IReadOnlyList<string> Skus);

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Task<ApiIdempotencyRecord?> StoredAsync(AppDbContext db, int keyId, string key, CancellationToken ct) =>
        db.ApiIdempotency.AsNoTracking().SingleOrDefaultAsync(r => r.ApiKeyId == keyId && r.Operation == PlaceOperation && r.IdempotencyKey == key, ct);

    private static IResult Replay(ApiIdempotencyRecord earlier, string hash)
    {
        if (earlier.RequestHash != hash)
        {
            return Conflict(IdempotencyHeader, "This Idempotency-Key was used for another order body. Use a new key for a new order, or send exactly the same body to retry.");
        }
        var number = JsonSerializer.Deserialize<PlacedOrder>(earlier.ResponseJson, JsonSerializerOptions.Web)?.Number ?? "";
        return Created(number, earlier.ResponseJson, earlier.StatusCode);
    }

    private static IResult Conflict(string field, string message) =>
        ApiProblem.Of(StatusCodes.Status409Conflict, "Conflict", message, new Dictionary<string, string[]> { [field] = [message] });

    private static IResult Created(string number, string json, int status = StatusCodes.Status201Created) =>
        new StoredAnswer(json, status, $"/api/v1/orders/{Uri.EscapeDataString(number)}");

    /// <summary>The JSON an order call answered, given again byte for byte, with where to read the order.</summary>
    private sealed class StoredAnswer(string json, int status, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.Headers.Location = location;
            http.Response.ContentType = "application/json; charset=utf-8";
            return http.Response.WriteAsync(json, http.RequestAborted);
        }
    }

    private static IResult Unprocessable(ParsedOrder request, IntakeResult result)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var problem in result.LineProblems)
        {
            var index = request.Skus.ToList().IndexOf(problem.Sku);
            var field = index >= 0 ? $"lines[{index}].sku" : "lines";
            errors[field] = errors.TryGetValue(field, out var had) ? [.. had, problem.Message] : [problem.Message];
        }
        if (errors.Count == 0)
        {
            errors["lines"] = [.. result.Errors];
        }
        return TypedResults.Problem(detail: string.Join(" ", result.Errors), statusCode: StatusCodes.Status422UnprocessableEntity, title: "Can't be done",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors,
                ["lines"] = result.LineProblems.Select(p => new { sku = p.Sku, reason = p.Message }).ToList(),
            });
    }

    private static (ParsedOrder? Order, Dictionary<string, string[]> Problems) Parse(byte[] body, DateTime now)
    {
        var problems = new Dictionary<string, string[]>();
        void Problem(string field, string message) => problems.TryAdd(field, [message]);
        OrderRequest? input;
        try
        {
            input = JsonSerializer.Deserialize<OrderRequest>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            Problem(field, field == "body" ? "The body is not a JSON order." : $"{field} has a value of the wrong kind.");
            return (null, problems);
        }
        if (input is null)
        {
            Problem("body", "Send the order as a JSON object.");
            return (null, problems);
        }

        var number = input.Number?.Trim();
        if (number is { Length: 0 })
        {
            number = null;
        }
        if (number is { Length: > 64 })
        {
            Problem("number", "Your order number can be at most 64 characters long.");
        }
        var placedAt = now;
        if (input.PlacedAt is { } given)
        {
            if (given.UtcDateTime > now + ClockSkew)
            {
                Problem("placedAt", "placedAt is in the future. Leave it out to mean now.");
            }
            else if (given.UtcDateTime < now - MaxPlacedAtAge)
            {
                Problem("placedAt", $"placedAt is more than {MaxPlacedAtAge.TotalDays:0} days ago: an order queues by when it was placed, so it can't be dated further back.");
            }
            else
            {
                placedAt = given.UtcDateTime < now ? given.UtcDateTime : now;
            }
        }

        var customer = input.Customer;
        if (customer is null)
        {
            Problem("customer", "Name the customer: { \"email\", \"name\" }.");
        }
        var email = customer?.Email?.Trim() ?? "";
        if (customer is not null && Limits.EmailProblem(email) is { } badEmail)
        {
            Problem("customer.email", badEmail);
        }
        var name = customer?.Name?.Trim() ?? "";
        if (customer is not null && name.Length == 0)
        {
            Problem("customer.name", "Give the customer's name.");
        }
        else if (Limits.LengthProblem(name, Limits.MaxNameLength, "The customer's name") is { } longName)
        {
            Problem("customer.name", longName);
        }
        var phone = customer?.Phone?.Trim() is { Length: > 0 } p ? p : null;
        if (Limits.LengthProblem(phone, Limits.MaxPhoneLength, "The phone number") is { } longPhone)
        {
            Problem("customer.phone", longPhone);
        }
        CustomerTier? tier = customer?.Tier?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "standard" => CustomerTier.Standard,
            "vip" => CustomerTier.Vip,
            _ => Unknown("customer.tier", "tier is “standard” or “vip”."),
        };

        ShipPolicy policy = input.ShipPolicy?.Trim().ToLowerInvariant() switch
        {
            "ship-available" => ShipPolicy.ShipAvailable,
            "ship-complete" => ShipPolicy.ShipComplete,
            null or "" => Missing("shipPolicy", "Say how the order ships: “ship-available” (what is in stock now, the rest later) or “ship-complete” (all together)."),
            _ => Missing("shipPolicy", "shipPolicy is “ship-available” or “ship-complete”."),
        };

        var lines = new List<IntakeLine>();
        var skus = new List<string>();
        if (input.Lines is not { Count: > 0 })
        {
            Problem("lines", "An order needs at least one line: { \"sku\", \"quantity\", \"unitPriceCents\" }.");
        }
        else if (input.Lines.Count > MaxLines)
        {
            Problem("lines", $"An order can have at most {MaxLines} lines.");
        }
        else
        {
            for (var i = 0; i < input.Lines.Count; i++)
            {
                var line = input.Lines[i];
                var at = $"lines[{i}]";
                var sku = line?.Sku?.Trim().ToUpperInvariant() ?? "";
                skus.Add(sku);
                if (line is null)
                {
                    Problem(at, "A line is { \"sku\", \"quantity\", \"unitPriceCents\" }.");
                    continue;
                }
                if (sku.Length == 0)
                {
                    Problem($"{at}.sku", "Give the line's SKU.");
                }
                else if (sku.Length > Limits.MaxSkuLength)
                {
                    Problem($"{at}.sku", $"A SKU has at most {Limits.MaxSkuLength} characters.");
                }
                else if (skus.IndexOf(sku) < i)
                {
                    Problem($"{at}.sku", $"{sku} is on line {skus.IndexOf(sku)} already: send one line per SKU with the units added up.");
                }
                if (line.Quantity is not { } qty)
                {
                    Problem($"{at}.quantity", "Give the line's quantity.");
                }
                else if (Limits.RangeProblem(qty, 1, Limits.MaxUnitsPerOrderLine, "The quantity") is { } badQty)
                {
                    Problem($"{at}.quantity", badQty);
                }
                if (line.UnitPriceCents is not { } price)
                {
                    Problem($"{at}.unitPriceCents", "Give the unit price the customer pays, in cents.");
                }
                else if (Limits.RangeProblem(price, 0, Limits.MaxMoneyCents, "The unit price in cents") is { } badPrice)
                {
                    Problem($"{at}.unitPriceCents", badPrice);
                }
                lines.Add(new IntakeLine(sku, line.Quantity ?? 0, line.UnitPriceCents));
            }
        }

        DateTime? authorizedAt = null, expiresAt = null;
        if (input.Payment is { } payment)
        {
            if (payment.AuthorizedAt is not { } from)
            {
                Problem("payment.authorizedAt", "Give when the payment was authorized.");
            }
            else if (from.UtcDateTime > now + ClockSkew)
            {
                Problem("payment.authorizedAt", "authorizedAt is in the future.");
            }
            else
            {
                authorizedAt = from.UtcDateTime;
            }
            if (payment.ExpiresAt is not { } until)
            {
                Problem("payment.expiresAt", "Give when the authorization expires.");
            }
            else if (payment.AuthorizedAt is { } start && until <= start)
            {
                Problem("payment.expiresAt", "expiresAt must be after authorizedAt.");
            }
            else
            {
                expiresAt = until.UtcDateTime;
            }
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }
        return (new ParsedOrder(new IntakeRequest(name, email, phone, policy, OrderChannel.Api, placedAt, lines, number, authorizedAt, expiresAt, tier), skus), problems);

        CustomerTier? Unknown(string field, string message)
        {
            Problem(field, message);
            return null;
        }

        ShipPolicy Missing(string field, string message)
        {
            Problem(field, message);
            return ShipPolicy.ShipAvailable;
        }
    }

    // ---- GET /orders/{number} ----

    private static async Task<IResult> GetAsync(HttpContext http, string number, OrderService orders, IOptions<MessagingOptions> messaging)
    {
        if (await orders.GetAsync(number, http.RequestAborted) is not { } order)
        {
            return NotFound(number);
        }
        return TypedResults.Ok(Details(order, messaging.Value));
    }

    private static IResult NotFound(string number) =>
        ApiProblem.Of(StatusCodes.Status404NotFound, "Not found", $"There is no order {number}.");

    /// <summary>The order page's reading of an order, in the API's words.</summary>
    public static OrderDetails Details(OrderView order, MessagingOptions messaging) => new(
        order.Number, order.PlacedOn, PolicyName(order.ShipPolicy), TrackingUrl(messaging, order.TrackingToken),
        new OrderPaymentDetails(order.AuthorizationExpiresOn, order.CapturedAt is not null, order.AuthorizationExpiresBeforeEta),
        order.Lines.Select(l => new OrderLineDetails(l.Sku, l.ProductName, l.Qty, l.UnitPriceCents, StatusName(l.Status), l.Allocated, l.Shipped, l.Cancelled,
            l.Unfilled, l.Promised, l.Unfilled > 0 ? l.Eta : null, l.Unfilled > 0 ? l.Position : null, l.Unfilled > 0 ? l.UnitsAhead : null, l.Late)).ToList(),
        order.Parcels.Select(s => new OrderShipmentDetails(s.ShippedOn, s.Carrier, s.TrackingNumber, CarrierTracking.UrlFor(s.Carrier, s.TrackingNumber),
            s.Items.Select(i => new OrderShipmentItem(i.Product, i.Qty)).ToList())).ToList());

    public static string StatusName(LineStatus status) => status switch
    {
        LineStatus.Backordered => "backordered",
        LineStatus.HeldForRest => "held-for-rest",
        LineStatus.ReadyToShip => "allocated",
        LineStatus.Shipped => "shipped",
        _ => "cancelled",
    };

    public static string PolicyName(ShipPolicy policy) => policy == ShipPolicy.ShipComplete ? "ship-complete" : "ship-available";

    /// <summary>The customer's tracking page, at the address the customers' e-mails link to.</summary>
    public static string TrackingUrl(MessagingOptions messaging, string token) => $"{messaging.PublicBaseUrl.TrimEnd('/')}/track/{token}";

    // ---- POST /orders/{number}/cancel ----

    private static async Task<IResult> CancelAsync(HttpContext http, string number, OrderService orders, BackorderService backorders,
        IOptions<MessagingOptions> messaging)
    {
        var ct = http.RequestAborted;
        var actor = ApiKeyFilter.Caller(http).Actor;
        CancelOrderRequest? input;
        try
        {
            input = await JsonSerializer.DeserializeAsync<CancelOrderRequest>(http.Request.Body, JsonSerializerOptions.Web, ct);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return ApiProblem.Field(StatusCodes.Status400BadRequest, field, field == "body" ? "The body is not JSON." : $"{field} has a value of the wrong kind.");
        }
        if (input is null)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "body", "Send { \"lines\"?, \"reason\", \"waitlist\"? }.");
        }
        var problems = new Dictionary<string, string[]>();
        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length == 0)
        {
            problems["reason"] = ["Give a reason for the cancellation: the customer and the store's staff read it."];
        }
        else if (Limits.LengthProblem(reason, Limits.MaxNoteLength, "The reason") is { } longReason)
        {
            problems["reason"] = [longReason];
        }
        var asked = input.Lines ?? [];
        if (asked.Count > MaxLines)
        {
            problems["lines"] = [$"At most {MaxLines} lines a call."];
        }
        for (var i = 0; i < asked.Count && asked.Count <= MaxLines; i++)
        {
            if (asked[i]?.Sku?.Trim() is not { Length: > 0 })
            {
                problems[$"lines[{i}].sku"] = ["Name the SKU of the line to cancel."];
            }
            if (asked[i]?.Quantity is <= 0 or > Limits.MaxUnitsPerOrderLine)
            {
                problems[$"lines[{i}].quantity"] = [$"The quantity is between 1 and {Limits.MaxUnitsPerOrderLine:N0}; leave it out to cancel all that is open."];
            }
        }
        if (problems.Count > 0)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "Invalid request", "The cancellation has problems; each is named under its field.", problems);
        }

        if (await orders.GetAsync(number, ct) is not { } order)
        {
            return NotFound(number);
        }
        // What each cancel takes, from the lines as they stand; each then runs in the cancellation's own transaction.
        var plan = new List<(OrderLineView Line, int? Units)>();
        if (asked.Count == 0)
        {
            plan.AddRange(order.Lines.Where(l => l.Open).Select(l => (l, (int?)null)));
            if (plan.Count == 0)
            {
                return ApiProblem.Of(StatusCodes.Status422UnprocessableEntity, "Can't be done", $"Nothing of {order.Number} is left to cancel: it has all shipped or been cancelled.");
            }
        }
        for (var i = 0; i < asked.Count; i++)
        {
            var sku = asked[i]!.Sku!.Trim();
            var lines = order.Lines.Where(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase)).ToList();
            var open = lines.Sum(l => l.Allocated + l.Unfilled);
            var field = $"lines[{i}]";
            if (lines.Count == 0)
            {
                return ApiProblem.Field(StatusCodes.Status422UnprocessableEntity, $"{field}.sku", $"{order.Number} has no line for {sku}.");
            }
            if (plan.Any(p => lines.Contains(p.Line)))
            {
                return ApiProblem.Field(StatusCodes.Status400BadRequest, $"{field}.sku", $"{sku} is named twice: name each line once.");
            }
            if (open == 0)
            {
                return ApiProblem.Field(StatusCodes.Status422UnprocessableEntity, $"{field}.sku", $"Nothing of {sku} on {order.Number} is left to cancel: it has shipped or been cancelled.");
            }
            var wanted = asked[i]!.Quantity ?? open;
            if (wanted > open)
            {
                return ApiProblem.Field(StatusCodes.Status422UnprocessableEntity, $"{field}.quantity",
                    $"Only {open} of {sku} on {order.Number} {(open == 1 ? "is" : "are")} left to cancel (not shipped).");
            }
            // Waiting units of the latest line first, as on one line.
            foreach (var line in lines.Where(l => l.Open).Reverse())
            {
                var take = Math.Min(wanted, line.Allocated + line.Unfilled);
                if (take > 0)
                {
                    plan.Add((line, take == line.Allocated + line.Unfilled ? null : take));
                }
                wanted -= take;
            }
        }

        var cancelled = new List<CancelledLine>();
        foreach (var (line, units) in plan)
        {
            var result = await backorders.CancelAsync(line.LineId, line.Version, reason, input.Waitlist ?? false, actor, ct, units);
            if (result.Refused)
            {
                return ApiProblem.Of(StatusCodes.Status403Forbidden, "Not allowed", result.Message);
            }
            if (!result.Succeeded)
            {
                var done = cancelled.Count == 0 ? "Nothing was cancelled." : $"Cancelled before it: {string.Join(", ", cancelled.Select(c => $"{c.Quantity} × {c.Sku}"))}.";
                return ApiProblem.Of(StatusCodes.Status409Conflict, "Changed meanwhile", $"{line.Sku}: {result.Message} {done} Read the order again and retry.");
            }
            cancelled.Add(new CancelledLine(line.Sku, units ?? line.Allocated + line.Unfilled));
        }
        var after = await orders.GetAsync(number, ct);
        return TypedResults.Ok(new OrderCancelled(order.Number,
            cancelled.GroupBy(c => c.Sku).Select(g => new CancelledLine(g.Key, g.Sum(c => c.Quantity))).ToList(), Details(after!, messaging.Value)));
    }
}
