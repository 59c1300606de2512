using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Integrations;

public enum SecretSource
{
    None,
    Configuration,
    Page,
}

/// <summary>
/// The secret each shop signs its webhooks with: the configured <c>Connectors:{Platform}:WebhookSecret</c> when it is
/// set, else the one the merchant saved on the Integrations page. Read at every delivery, so a change counts at once.
/// </summary>
public sealed class StoreWebhookSecrets(IConfiguration configuration, IDbContextFactory<AppDbContext> dbFactory)
{
    public static string ConfigurationKey(StorePlatform platform) => $"Connectors:{StoreOrderPayload.Name(platform)}:WebhookSecret";

    public async Task<(string? Secret, SecretSource Source)> GetAsync(StorePlatform platform, CancellationToken ct = default)
    {
        if (configuration[ConfigurationKey(platform)] is { Length: > 0 } configured)
        {
            return (configured, SecretSource.Configuration);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var saved = await db.StoreConnections.AsNoTracking().Where(c => c.Platform == platform).Select(c => c.WebhookSecret).FirstOrDefaultAsync(ct);
        return saved is { Length: > 0 } ? (saved, SecretSource.Page) : (null, SecretSource.None);
    }

    /// <summary>The end of a secret, enough to tell which one is set without showing it.</summary>
    public static string Masked(string secret) => secret.Length >= 12 ? $"••••{secret[^4..]}" : "•••• (short)";
}

/// <summary>Wakes the inbox worker when a delivery is stored or replayed, so it does not wait for its next poll.</summary>
public sealed class StoreWebhookSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: the worker reads every pending delivery when it runs.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}
