using System.Security.Cryptography;

namespace BackorderDashboard.Domain;

/// <summary>Tokens of the customers' private tracking links: 128 random bits, URL-safe, never derived from the order.</summary>
public static class TrackingTokens
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
