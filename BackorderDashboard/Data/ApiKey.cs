using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Data;

/// <summary>
/// A key a storefront, warehouse tool or script calls the REST API with. Only the SHA-256 of the key is kept: the key
/// itself is shown once, when it is made. A revoked key is refused from the next request on; its row stays, so history
/// and the audit log keep naming it.
/// </summary>
public class ApiKey
{
    public const int NameMaxLength = 100;

    public int Id { get; set; }

    [MaxLength(NameMaxLength)]
    public required string Name { get; set; }

    /// <summary>Hex SHA-256 of the whole key.</summary>
    [MaxLength(64)]
    public required string Hash { get; set; }

    /// <summary>The key's first characters, shown in lists so a merchant can tell keys apart.</summary>
    [MaxLength(16)]
    public required string Prefix { get; set; }

    /// <summary>Its scopes (<see cref="Domain.Access.Scopes"/>), separated by spaces.</summary>
    [MaxLength(200)]
    public required string Scopes { get; set; }

    public DateTime CreatedAt { get; set; }

    [MaxLength(256)]
    public string? CreatedBy { get; set; }

    /// <summary>The last request it made, to the minute.</summary>
    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    [MaxLength(256)]
    public string? RevokedBy { get; set; }
}

/// <summary>
/// The answer an API call with an <c>Idempotency-Key</c> gave, kept so a repeat of the same call (a storefront
/// retrying after a timeout) gets the same answer and changes nothing, and the same key with another body is refused.
/// Stored in the same transaction as what the call wrote.
/// </summary>
public class ApiIdempotencyRecord
{
    public long Id { get; set; }

    public int ApiKeyId { get; set; }

    /// <summary>What the call was for ("POST /api/v1/orders").</summary>
    [MaxLength(100)]
    public required string Operation { get; set; }

    [MaxLength(200)]
    public required string IdempotencyKey { get; set; }

    /// <summary>Hex SHA-256 of the request body as sent.</summary>
    [MaxLength(64)]
    public required string RequestHash { get; set; }

    public int StatusCode { get; set; }

    public required string ResponseJson { get; set; }

    public DateTime CreatedAt { get; set; }
}
