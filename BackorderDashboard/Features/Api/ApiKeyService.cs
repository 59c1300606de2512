using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Api;

public sealed record ApiKeyRow(int Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, string? CreatedBy,
    DateTime? LastUsedAt, DateTime? RevokedAt, string? RevokedBy)
{
    public bool IsActive => RevokedAt is null;
}

/// <summary>A new key: <paramref name="Key"/> is shown this once and kept nowhere but as its hash.</summary>
public sealed record ApiKeyCreated(bool Succeeded, IReadOnlyDictionary<string, string> Errors, int Id = 0, string Key = "")
{
    public static ApiKeyCreated Fail(string field, string message) => new(false, new Dictionary<string, string> { [field] = message });
}

/// <summary>The key behind a request: who acts, through the same permission table as everyone else.</summary>
public sealed record ApiCaller(int KeyId, string Name, IReadOnlySet<string> Scopes)
{
    public Actor Actor => Actor.ApiKey(Name, Scopes);
}

/// <summary>
/// API keys: made (name and scopes) and revoked by admins on the API keys page or by the command line, and checked on
/// every request. A key is "bk_" and 43 characters of a 256-bit random number; only its SHA-256 is stored, so the
/// database alone never gives a working key. Revoking is read on the next request (no cache holds a key).
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, ApiKeyUse use, TimeProvider time)
{
    public const string KeyPrefix = "bk_";

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<ApiKeyCreated> CreateAsync(string? name, IEnumerable<string> scopes, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageApiKeys) is { } refused)
        {
            return ApiKeyCreated.Fail("", refused);
        }
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return ApiKeyCreated.Fail("Name", "Name the key after what uses it, for example “Shop theme” or “Warehouse scanner”.");
        }
        if (Limits.LengthProblem(trimmed, ApiKey.NameMaxLength, "A key's name") is { } tooLong)
        {
            return ApiKeyCreated.Fail("Name", tooLong);
        }
        var wanted = scopes.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return ApiKeyCreated.Fail("Scopes", $"Give the key at least one scope: {string.Join(", ", Access.Scopes.All)}.");
        }
        if (wanted.FirstOrDefault(s => !Access.Scopes.All.Contains(s)) is { } unknown)
        {
            return ApiKeyCreated.Fail("Scopes", $"“{unknown}” is not a scope. Scopes: {string.Join(", ", Access.Scopes.All)}.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        if (await db.ApiKeys.AnyAsync(k => k.RevokedAt == null && k.Name == trimmed, ct))
        {
            return ApiKeyCreated.Fail("Name", $"A key named “{trimmed}” is in use already. Choose another name, or revoke that key first.");
        }
        var key = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var ordered = Access.Scopes.All.Where(wanted.Contains).ToList();
        var row = new ApiKey
        {
            Name = trimmed, Hash = HashOf(key), Prefix = key[..(KeyPrefix.Length + 6)], Scopes = string.Join(' ', ordered),
            CreatedAt = time.GetUtcNow().UtcDateTime, CreatedBy = actor.DisplayName,
        };
        db.ApiKeys.Add(row);
        audit.Add(db, AuditKind.ApiKeyCreated, actor, trimmed, $"API key {trimmed} ({row.Prefix}…) with {string.Join(", ", ordered)}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ApiKeyCreated(true, new Dictionary<string, string>(), row.Id, key);
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        if (!Access.Allows(actor, Operation.ManageApiKeys))
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ApiKeys.AsNoTracking().OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).ToListAsync(ct);
        return rows.Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, ScopesOf(k.Scopes), k.CreatedAt, k.CreatedBy, k.LastUsedAt, k.RevokedAt, k.RevokedBy)).ToList();
    }

    /// <summary>Null when revoked (or revoked already); otherwise why not.</summary>
    public async Task<string?> RevokeAsync(int id, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageApiKeys) is { } refused)
        {
            return refused;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return "There is no such key.";
        }
        if (key.RevokedAt is not null)
        {
            return null;
        }
        key.RevokedAt = time.GetUtcNow().UtcDateTime;
        key.RevokedBy = actor.DisplayName;
        audit.Add(db, AuditKind.ApiKeyRevoked, actor, key.Name, $"API key {key.Name} ({key.Prefix}…) revoked: refused from now on");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>The caller a presented key stands for, or null for a key that is unknown or revoked.</summary>
    public async Task<ApiCaller?> AuthenticateAsync(string? presented, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(presented) || !presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }
        var hash = HashOf(presented);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        // Kept until the next committed write (a revocation is one), so a busy storefront's key is read once.
        var version = StoreWrites.VersionOf(db);
        var day = DateOnly.FromDateTime(now);
        if (!use.Known.TryGet(version, day, hash, out var caller))
        {
            var key = await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash && k.RevokedAt == null)
                .Select(k => new { k.Id, k.Name, k.Scopes }).SingleOrDefaultAsync(ct);
            caller = key is null ? null : new ApiCaller(key.Id, key.Name, ScopesOf(key.Scopes).ToHashSet(StringComparer.Ordinal));
            use.Known.Set(version, day, hash, caller);
        }
        if (caller is not null && use.Due(caller.KeyId, now))
        {
            await db.ApiKeys.Where(k => k.Id == caller.KeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }
        return caller;
    }

    private static IReadOnlyList<string> ScopesOf(string scopes) => scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>When each key's last use was written: one write a minute per key, not one per request.</summary>
public sealed class ApiKeyUse
{
    private readonly ConcurrentDictionary<int, DateTime> _written = new();

    /// <summary>The caller behind each key hash (null: no such active key), kept until the next committed write.</summary>
    public StoreVersionedCache<string, ApiCaller?> Known { get; } = new(10_000);

    /// <summary>Whether the use at <paramref name="now"/> should be written (and notes that it is).</summary>
    public bool Due(int keyId, DateTime now)
    {
        if (_written.TryGetValue(keyId, out var written) && now - written < TimeSpan.FromMinutes(1) && now >= written)
        {
            return false;
        }
        _written[keyId] = now;
        return true;
    }
}
