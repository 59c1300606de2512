using System.Text;
using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using Microsoft.AspNetCore.Mvc;

namespace BackorderDashboard.Features.Api;

public sealed record ReceiptRequestLine(string? Sku, int Quantity);

/// <summary>A delivery: against a purchase order (<c>poNumber</c>) or ad hoc.</summary>
public sealed record ReceiptRequest(string? PoNumber, IReadOnlyList<ReceiptRequestLine>? Lines, bool AllowOverReceipt = false)
    : IApiExample<ReceiptRequest>
{
    public static ReceiptRequest Example => new("PO-1042", [new("MUG-BLUE", 24), new("TEE-M-RED", 10)]);
}

/// <summary>Units of a receipt that went to one waiting order line, in queue order.</summary>
public sealed record ReceiptAllocation(string OrderNumber, int Quantity, bool LineComplete, bool ReadyToShip);

public sealed record ReceiptResponseLine(string Sku, int Quantity, IReadOnlyList<ReceiptAllocation> Allocations, int AvailableAfter, int LinesStillWaiting);

public sealed record ReceiptResponse(int ReceiptId, string Reference, DateTime ReceivedAt, IReadOnlyList<ReceiptResponseLine> Lines, int OrdersReady)
    : IApiExample<ReceiptResponse>
{
    public static ReceiptResponse Example => new(311, "PO-1042", new DateTime(2026, 12, 3, 9, 30, 0, DateTimeKind.Utc),
        [new("MUG-BLUE", 24, [new("SO-100123", 2, true, true), new("SO-100131", 1, true, false)], 21, 0)], 1);
}

/// <summary>One product's count: <c>onHand</c> (a stocktake) or <c>change</c> (units added, below zero taken away), with a reason.</summary>
public sealed record StockCountLine(string? Sku, int? OnHand, int? Change, string? Reason, string? Note);

public sealed record StockCountRequest(IReadOnlyList<StockCountLine>? Counts) : IApiExample<StockCountRequest>
{
    public static StockCountRequest Example => new([new("MUG-BLUE", 17, null, "stocktake", null), new("TEE-M-RED", null, -2, "damaged", "Torn in transit")]);
}

public sealed record StockCountResult(string Sku, bool Changed, int OnHandBefore, int OnHand, int Allocated, int Available);

public sealed record StockCountResponse(IReadOnlyList<StockCountResult> Products) : IApiExample<StockCountResponse>
{
    public static StockCountResponse Example => new([new("MUG-BLUE", true, 20, 17, 5, 12), new("TEE-M-RED", true, 8, 6, 6, 0)]);
}

/// <summary>
/// Warehouse calls under <c>/api/v1</c>: receipts (the receiving page's service, with its allocation of the queues) and
/// stock counts (the stock correction service). The services check the key's scopes themselves.
/// </summary>
public static class InventoryApi
{
    public const string IdempotencyHeader = ApiIdempotency.Header;
    private const string ReceiptOperation = "POST /api/v1/receipts";

    /// <summary>The API's names of correction reasons.</summary>
    public static readonly IReadOnlyDictionary<string, StockCorrectionReason> Reasons = new Dictionary<string, StockCorrectionReason>(StringComparer.OrdinalIgnoreCase)
    {
        ["stocktake"] = StockCorrectionReason.Stocktake,
        ["damaged"] = StockCorrectionReason.Damaged,
        ["lost"] = StockCorrectionReason.Lost,
        ["found"] = StockCorrectionReason.Found,
        ["returned"] = StockCorrectionReason.Returned,
        ["correction"] = StockCorrectionReason.Correction,
    };

    public static void MapInventoryApi(this RouteGroupBuilder api)
    {
        api.MapPost("/receipts", ReceiveAsync)
            .WithMetadata(new ApiScope(Access.Scopes.InventoryWrite))
            .WithName("PostReceipt")
            .WithSummary("Receive a delivery and allocate it to the waiting orders (scope inventory:write)")
            .WithDescription("Adds the units to on hand and gives them to each product's backorder queue in queue order, exactly as the receiving page does. "
                + "`poNumber` receives against an open purchase order (more than ordered only with `allowOverReceipt`); without it the receipt is ad hoc. "
                + "The `Idempotency-Key` header is required: the same key with the same body answers the first answer again and receives nothing twice; "
                + "the same key with another body is refused with 409.")
            .Accepts<ReceiptRequest>("application/json")
            .Produces<ReceiptResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/stock-counts", CountAsync)
            .WithMetadata(new ApiScope(Access.Scopes.InventoryWrite), new OptionalIdempotencyKey("stock count"))
            .AddEndpointFilter<OptionalIdempotencyFilter>()
            .WithName("PostStockCounts")
            .WithSummary("Correct on-hand figures: stocktake counts or changes with a reason (scope inventory:write)")
            .WithDescription("Each row gives `onHand` (the units counted) or `change` (units added, below zero taken away) and a `reason`: "
                + string.Join(", ", Reasons.Keys) + ". All rows are stored or none. Fewer units than are allocated take units back from the lines "
                + "allocated last, which rejoin their queue; more units go to the queue as a receipt's would.")
            .Accepts<StockCountRequest>("application/json")
            .Produces<StockCountResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        ApiIdempotency idempotency, ReceivingService receiving)
    {
        var ct = http.RequestAborted;
        var (key, keyProblem) = ApiIdempotency.KeyOf(idempotencyKey, "receipt");
        if (keyProblem is not null)
        {
            return keyProblem;
        }
        var body = await ReadBodyAsync(http);
        var (request, invalid) = Parse<ReceiptRequest>(body);
        if (invalid is not null)
        {
            return invalid;
        }
        var lines = request!.Lines ?? [];
        if (lines.Count == 0)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "lines", "List the units received: \"lines\": [{ \"sku\": \"…\", \"quantity\": 1 }].");
        }
        var missing = lines.Select((l, i) => (l, i)).Where(x => string.IsNullOrWhiteSpace(x.l?.Sku)).Select(x => x.i).ToList();
        if (missing.Count > 0)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "Invalid request", "Every line names its product by SKU.",
                missing.ToDictionary(i => $"lines[{i}].sku", _ => new[] { "Give the product's SKU." }));
        }

        var caller = ApiKeyFilter.Caller(http);
        var claim = await idempotency.ClaimAsync(caller.KeyId, ReceiptOperation, key, ApiHash.Of(body), ct);
        if (claim.State == IdempotencyState.Conflict)
        {
            return ApiProblem.Of(StatusCodes.Status409Conflict, "Idempotency key reused",
                $"{IdempotencyHeader} “{key}” was sent before with another body. Send a new key for a new receipt.");
        }
        if (claim.State == IdempotencyState.Replay)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Text(claim.ResponseJson, "application/json; charset=utf-8", Encoding.UTF8, claim.StatusCode);
        }

        // The receipt's own key, one per API key and Idempotency-Key: a retry after a lost answer is the same receipt.
        var receiptKey = "api-" + ApiHash.Of($"{caller.KeyId}\n{key}")[..60];
        var outcome = await receiving.CommitAsync(new ReceiptInput
        {
            IdempotencyKey = receiptKey, PurchaseOrderNumber = request.PoNumber, AllowOverReceipt = request.AllowOverReceipt,
            Lines = lines.Select(l => new ReceiptLineInput { Sku = l.Sku!.Trim(), Qty = l.Quantity }).ToList(),
        }, caller.Actor, ct);
        if (!outcome.Succeeded)
        {
            await idempotency.ReleaseAsync(caller.KeyId, ReceiptOperation, key, CancellationToken.None);
            return ReceiptRefused(outcome, lines);
        }
        var response = new ReceiptResponse(
            await receiving.FindReceiptIdAsync(receiptKey, CancellationToken.None) ?? 0,
            outcome.Reference ?? "",
            DateTime.SpecifyKind(outcome.ReceivedAt ?? default, DateTimeKind.Utc),
            outcome.Products.Select(p => new ReceiptResponseLine(p.Sku, p.Received,
                p.Filled.Select(f => new ReceiptAllocation(f.OrderNumber, f.Qty, f.Complete, f.OrderReady)).ToList(), p.FreeAfter, p.StillWaiting)).ToList(),
            outcome.OrdersReady);
        var json = JsonSerializer.Serialize(response, JsonSerializerOptions.Web);
        // The receipt is stored: its answer is kept even if this caller has gone.
        await idempotency.CompleteAsync(caller.KeyId, ReceiptOperation, key, StatusCodes.Status201Created, json, CancellationToken.None);
        return TypedResults.Text(json, "application/json; charset=utf-8", Encoding.UTF8, StatusCodes.Status201Created);
    }

    private static IResult ReceiptRefused(ReceiptOutcome outcome, IReadOnlyList<ReceiptRequestLine> lines)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var problem in outcome.Problems)
        {
            if (problem.Sku is null)
            {
                errors["poNumber"] = [problem.Message];
                continue;
            }
            var field = problem.Field == nameof(ReceiptLineInput.Qty) ? "quantity" : "sku";
            for (var i = 0; i < lines.Count; i++)
            {
                if (string.Equals(lines[i].Sku?.Trim(), problem.Sku, StringComparison.OrdinalIgnoreCase))
                {
                    errors[$"lines[{i}].{field}"] = [problem.Message];
                }
            }
        }
        return ApiProblem.Of(StatusCodes.Status422UnprocessableEntity, "Can't be done",
            "Nothing was received: " + string.Join(" ", outcome.Errors), errors);
    }

    private static async Task<IResult> CountAsync(HttpContext http, StockCorrectionService corrections)
    {
        var (request, invalid) = Parse<StockCountRequest>(await ReadBodyAsync(http));
        if (invalid is not null)
        {
            return invalid;
        }
        var counts = request!.Counts ?? [];
        if (counts.Count == 0)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "counts", "List the counts: \"counts\": [{ \"sku\": \"…\", \"onHand\": 7, \"reason\": \"stocktake\" }].");
        }
        var errors = new Dictionary<string, string[]>();
        var inputs = new List<StockCorrectionInput>();
        for (var i = 0; i < counts.Count; i++)
        {
            var row = counts[i];
            if (row is null)
            {
                errors[$"counts[{i}]"] = ["Give the row as { \"sku\", \"onHand\" or \"change\", \"reason\" }."];
                continue;
            }
            if (string.IsNullOrWhiteSpace(row.Sku))
            {
                errors[$"counts[{i}].sku"] = ["Give the product's SKU."];
            }
            if (row.OnHand is null == row.Change is null)
            {
                errors[$"counts[{i}].onHand"] = ["Give either onHand (the units counted) or change (units added, below zero taken away), not both."];
            }
            StockCorrectionReason reason = default;
            if (string.IsNullOrWhiteSpace(row.Reason) || !Reasons.TryGetValue(row.Reason.Trim(), out reason))
            {
                errors[$"counts[{i}].reason"] = [$"Give a reason: {string.Join(", ", Reasons.Keys)}."];
            }
            inputs.Add(new StockCorrectionInput
            {
                Sku = row.Sku?.Trim() ?? "", Mode = row.OnHand is not null ? StockCorrectionMode.Count : StockCorrectionMode.Change,
                Quantity = row.OnHand ?? row.Change ?? 0, Reason = reason, Note = row.Note, Reference = "API stock count",
            });
        }
        if (errors.Count > 0)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "Invalid request", "Nothing was changed: some rows are incomplete.", errors);
        }

        var batch = await corrections.CorrectManyAsync(inputs, ApiKeyFilter.Caller(http).Actor, http.RequestAborted);
        if (!batch.Succeeded)
        {
            for (var i = 0; i < batch.Rows.Count; i++)
            {
                if (batch.Rows[i].Error is { } error)
                {
                    errors[$"counts[{i}]{FieldName(batch.Rows[i].ErrorField, inputs[i].Mode)}"] = [error];
                }
            }
            return ApiProblem.Of(StatusCodes.Status422UnprocessableEntity, "Can't be done", batch.Error ?? "Nothing was changed.", errors);
        }
        return TypedResults.Ok(new StockCountResponse(batch.Rows.Select(r =>
            new StockCountResult(r.Sku, r.Changed, r.OnHandBefore, r.OnHandAfter, r.AllocatedAfter, r.OnHandAfter - r.AllocatedAfter)).ToList()));
    }

    private static string FieldName(string? serviceField, StockCorrectionMode mode) => serviceField switch
    {
        nameof(StockCorrectionInput.Sku) => ".sku",
        nameof(StockCorrectionInput.Quantity) or nameof(StockCorrectionInput.Mode) => mode == StockCorrectionMode.Count ? ".onHand" : ".change",
        nameof(StockCorrectionInput.Reason) => ".reason",
        nameof(StockCorrectionInput.Note) => ".note",
        _ => "",
    };

    /// <summary>The body as sent (its hash is the idempotency check); its size is capped by <see cref="ApiRequestLimits"/>.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.ToArray();
    }

    /// <summary>The body as <typeparamref name="T"/>, or a problem naming the field (its JSON path) that could not be read.</summary>
    private static (T? Value, IResult? Problem) Parse<T>(byte[] body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web) is { } value
                ? (value, null)
                : (null, ApiProblem.Field(StatusCodes.Status400BadRequest, "body", "Send a JSON object."));
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : "body";
            return (null, ApiProblem.Field(StatusCodes.Status400BadRequest, field.Length == 0 ? "body" : field,
                $"This is not valid JSON of the expected shape{(field.Length > 0 ? $" at {field}" : "")}: check the value's type."));
        }
    }
}
