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
