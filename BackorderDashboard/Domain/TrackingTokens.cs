using System.Security.Cryptography;

namespace BackorderDashboard.Domain;

/// <summary>Tokens of the customers' private tracking links: 128 random bits, URL-safe, never derived from the order.</summary>
public static class TrackingTokens
{
    public const int Length = 22;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Could this be a token at all (22 URL-safe base64 characters)? Anything else is not looked up.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
