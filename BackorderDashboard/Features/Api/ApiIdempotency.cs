using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Api;

public enum IdempotencyState
{
    /// <summary>The key is this call's: run it, then <see cref="ApiIdempotency.CompleteAsync"/> or <see cref="ApiIdempotency.ReleaseAsync"/>.</summary>
    Claimed,

    /// <summary>The same call was answered before: send that answer again.</summary>
    Replay,

    /// <summary>The key was used with another body.</summary>
    Conflict,

    /// <summary>A call with the key is running now and has not answered yet.</summary>
    Running,
}

public sealed record IdempotencyClaim(IdempotencyState State, int StatusCode = 0, string ResponseJson = "");

/// <summary>
/// The <c>Idempotency-Key</c> of API writes, per key and operation (<see cref="ApiIdempotencyRecord"/>). A call first
/// claims its key with the hash of its body, in a write transaction of its own, so a second call with the same key and
/// another body is refused even while the first one runs. The claim is completed with the answer once the write is
/// done. A service that cannot take the record into its own transaction must be idempotent itself under a key derived
/// from this one (a receipt's own key): a claim left open by a call that stopped midway then runs the service again
/// safely, and gets the write that was already made.
/// </summary>
public sealed class ApiIdempotency(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The header API writes carry their key in.</summary>
    public const string Header = "Idempotency-Key";

    public const int MaxKeyLength = 200;

    /// <summary>
    /// The trimmed key a call sent (its endpoint takes the header as a <c>[FromHeader]</c> parameter, so the API
    /// document names it), or the 400 problem saying what a <paramref name="what"/> call must send.
    /// </summary>
    public static (string Key, IResult? Problem) KeyOf(string? sent, string what)
    {
        var key = sent?.Trim() ?? "";
        return key.Length is 0 or > MaxKeyLength
            ? (key, ApiProblem.Field(StatusCodes.Status400BadRequest, Header,
                $"Send an {Header} header (1 to {MaxKeyLength} characters, e.g. a UUID) made once per {what} and sent again with each retry: the {what} is then made once."))
            : (key, null);
    }

    public async Task<IdempotencyClaim> ClaimAsync(int apiKeyId, string operation, string key, string requestHash, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var row = await db.ApiIdempotency.AsNoTracking()
            .SingleOrDefaultAsync(r => r.ApiKeyId == apiKeyId && r.Operation == operation && r.IdempotencyKey == key, ct);
        if (row is null)
        {
            db.ApiIdempotency.Add(new ApiIdempotencyRecord
            {
                ApiKeyId = apiKeyId, Operation = operation, IdempotencyKey = key, RequestHash = requestHash, ResponseJson = "",
                CreatedAt = time.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new IdempotencyClaim(IdempotencyState.Claimed);
        }
        if (!string.Equals(row.RequestHash, requestHash, StringComparison.Ordinal))
        {
            return new IdempotencyClaim(IdempotencyState.Conflict);
        }
        // Status 0: claimed but not answered (running now, or stopped midway); the service's own key decides.
        return row.StatusCode == 0
            ? new IdempotencyClaim(IdempotencyState.Claimed)
            : new IdempotencyClaim(IdempotencyState.Replay, row.StatusCode, row.ResponseJson);
    }

    /// <summary>
    /// Like <see cref="ClaimAsync"/> for a call that must not run twice at once: a claim not yet answered is
    /// <see cref="IdempotencyState.Running"/> unless it was made before <paramref name="abandonedBefore"/>, when this
    /// call takes it over.
    /// </summary>
    public async Task<IdempotencyClaim> ClaimOnceAsync(int apiKeyId, string operation, string key, string requestHash, DateTime abandonedBefore, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var row = await db.ApiIdempotency
            .SingleOrDefaultAsync(r => r.ApiKeyId == apiKeyId && r.Operation == operation && r.IdempotencyKey == key, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (row is null)
        {
            db.ApiIdempotency.Add(new ApiIdempotencyRecord
            {
                ApiKeyId = apiKeyId, Operation = operation, IdempotencyKey = key, RequestHash = requestHash, ResponseJson = "", CreatedAt = now,
            });
        }
        else if (!string.Equals(row.RequestHash, requestHash, StringComparison.Ordinal))
        {
            return new IdempotencyClaim(IdempotencyState.Conflict);
        }
        else if (row.StatusCode != 0)
        {
            return new IdempotencyClaim(IdempotencyState.Replay, row.StatusCode, row.ResponseJson);
        }
        else if (row.CreatedAt >= abandonedBefore)
        {
            return new IdempotencyClaim(IdempotencyState.Running);
        }
        else
        {
            row.CreatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new IdempotencyClaim(IdempotencyState.Claimed);
    }

    /// <summary>Stores the answer a claimed call gave, for its repeats.</summary>
    public async Task CompleteAsync(int apiKeyId, string operation, string key, int statusCode, string responseJson, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ApiIdempotency.Where(r => r.ApiKeyId == apiKeyId && r.Operation == operation && r.IdempotencyKey == key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, statusCode).SetProperty(r => r.ResponseJson, responseJson), ct);
    }

    /// <summary>Frees an unanswered claim of a call that was refused and wrote nothing: the caller may correct the body and send it again.</summary>
    public async Task ReleaseAsync(int apiKeyId, string operation, string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ApiIdempotency.Where(r => r.ApiKeyId == apiKeyId && r.Operation == operation && r.IdempotencyKey == key && r.StatusCode == 0)
            .ExecuteDeleteAsync(ct);
    }
}

/// <summary>
/// Marks an API write that takes an optional <c>Idempotency-Key</c> through <see cref="OptionalIdempotencyFilter"/>;
/// <paramref name="What"/> names one such call in messages ("stock count").
/// </summary>
public sealed record OptionalIdempotencyKey(string What);

/// <summary>
/// An optional <c>Idempotency-Key</c> for API writes whose service cannot take the key into its own transaction (stock
/// counts, cancellations): without the header the call runs as sent; with it, the same key with the same address and
/// body gets the first answer again and changes nothing more, with another body 409, and while the first call with
/// the key still runs 409 asking to retry. A call refused with a 4xx frees its key, so a corrected body can use it.
/// </summary>
public sealed class OptionalIdempotencyFilter(ApiIdempotency idempotency, TimeProvider time) : IEndpointFilter
{
    /// <summary>A claim left unanswered this long is taken as abandoned (its caller stopped midway) and run again.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (!http.Request.Headers.TryGetValue(ApiIdempotency.Header, out var sent))
        {
            return await next(invocation);
        }
        var what = http.GetEndpoint()?.Metadata.GetMetadata<OptionalIdempotencyKey>()?.What ?? "call";
        var (key, problem) = ApiIdempotency.KeyOf(sent.ToString(), what);
        if (problem is not null)
        {
            return problem;
        }
        var ct = http.RequestAborted;
        http.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        http.Request.Body.Position = 0;
        // The address is part of what was asked: the same key and body for another order is another call.
        var hash = ApiHash.Of($"{http.Request.Path}\n{Convert.ToBase64String(buffer.ToArray())}");
        var operation = $"{http.Request.Method} {(http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value}";
        var caller = ApiKeyFilter.Caller(http);

        var claim = await idempotency.ClaimOnceAsync(caller.KeyId, operation, key, hash, time.GetUtcNow().UtcDateTime - AbandonedAfter, ct);
        switch (claim.State)
        {
            case IdempotencyState.Conflict:
                return Refused("Idempotency key reused", $"{ApiIdempotency.Header} “{key}” was sent before with another body or address. Send a new key for a new {what}.");
            case IdempotencyState.Running:
                http.Response.Headers.RetryAfter = "1";
                return Refused("Still running", $"A call with {ApiIdempotency.Header} “{key}” is still running. Send it again in a moment to read its answer.");
            case IdempotencyState.Replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Text(claim.ResponseJson, "application/json; charset=utf-8", System.Text.Encoding.UTF8, claim.StatusCode);
        }

        object? result;
        try
        {
            result = await next(invocation);
        }
        catch
        {
            await idempotency.ReleaseAsync(caller.KeyId, operation, key, CancellationToken.None);
            throw;
        }
        return result is IResult answer ? new KeptAnswer(answer, idempotency, caller.KeyId, operation, key) : result;
    }

    private static IResult Refused(string title, string message) =>
        ApiProblem.Of(StatusCodes.Status409Conflict, title, message, new Dictionary<string, string[]> { [ApiIdempotency.Header] = [message] });

    /// <summary>Writes the call's answer and keeps it for the key's repeats (a 2xx), or frees the key (anything else).</summary>
    private sealed class KeptAnswer(IResult inner, ApiIdempotency idempotency, int keyId, string operation, string key) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var original = http.Response.Body;
            using var copy = new MemoryStream();
            http.Response.Body = copy;
            try
            {
                await inner.ExecuteAsync(http);
            }
            finally
            {
                http.Response.Body = original;
            }
            var status = http.Response.StatusCode;
            if (status is >= 200 and < 300)
            {
                await idempotency.CompleteAsync(keyId, operation, key, status, System.Text.Encoding.UTF8.GetString(copy.ToArray()), CancellationToken.None);
            }
            else
            {
                await idempotency.ReleaseAsync(keyId, operation, key, CancellationToken.None);
            }
            copy.Position = 0;
            await copy.CopyToAsync(original, http.RequestAborted);
        }
    }
}
