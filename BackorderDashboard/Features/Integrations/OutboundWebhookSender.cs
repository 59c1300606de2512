using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Features.Integrations;

/// <summary>Settings of the webhooks the store sends (section <c>Webhooks:Outbound</c>).</summary>
public sealed class OutboundWebhookOptions
{
    public const string Section = "Webhooks:Outbound";

    /// <summary>Whether this instance runs the dispatcher (another instance may do it instead).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a receiver has to answer one delivery.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>How often the dispatcher looks for due deliveries when it is not woken earlier.</summary>
    public double PollSeconds { get; set; } = 2;

    public int BatchSize { get; set; } = 20;

    /// <summary>Deliveries posted at the same time.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>After this many failed attempts a delivery shows as failing; it is still retried.</summary>
    public int FailingAfterAttempts { get; set; } = 5;
}

/// <summary>Wakes the dispatcher at once (a test event, a "retry now") instead of at its next poll.</summary>
public sealed class OutboundWebhookSignal
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
            // Already woken.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}

/// <summary>What one pass of the dispatcher did.</summary>
public sealed record WebhookDispatchResult(int Claimed, int Delivered, int Retrying);

/// <summary>
/// Posts the deliveries that are due. Each is first claimed in one write transaction (two dispatchers never post the
/// same row at once; a crashed dispatcher's claim runs out), then posted with its stored body, signed
/// (<c>X-Backorder-Signature: t=UNIX,v1=HEX</c>), under a timeout. Every attempt is logged; a 2xx answer marks it
/// delivered, anything else (another status, a timeout, no connection) brings it back later, 30 s, 2 min, 10 min,
/// 1 h, then every 6 h, for as long as it takes: a delivery is never dropped.
/// </summary>
public sealed class OutboundWebhookSender(
    IDbContextFactory<AppDbContext> dbFactory,
    IHttpClientFactory httpFactory,
    IOptions<OutboundWebhookOptions> options,
    TimeProvider time,
    ILogger<OutboundWebhookSender> logger)
{
    public const string ClientName = "OutboundWebhooks";
    public const string SignatureHeader = "X-Backorder-Signature";
    public const string EventHeader = "X-Backorder-Event";
    public const string EventIdHeader = "X-Backorder-Event-Id";

    private static readonly TimeSpan[] Delays =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(6)];

    private readonly string _me = $"{Environment.MachineName[..Math.Min(20, Environment.MachineName.Length)]}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public OutboundWebhookOptions Options => options.Value;

    /// <summary>Lowercase hex HMAC-SHA256 of <c>t + "." + body</c> under the secret.</summary>
    public static string Sign(string secret, long unixSeconds, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}")));

    /// <summary>The signature header's value: <c>t=UNIX_SECONDS,v1=HEX</c>.</summary>
    public static string SignatureValue(string secret, long unixSeconds, string body) => $"t={unixSeconds},v1={Sign(secret, unixSeconds, body)}";

    /// <summary>Delay before the next attempt after <paramref name="attempts"/> failed ones.</summary>
    public static TimeSpan RetryDelay(int attempts) => Delays[Math.Clamp(attempts, 1, Delays.Length) - 1];

    public async Task<WebhookDispatchResult> SendDueAsync(CancellationToken ct = default)
    {
        var claimed = await ClaimAsync(ct);
        if (claimed.Count == 0)
        {
            return new(0, 0, 0);
        }
        var delivered = 0;
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Concurrency), CancellationToken = ct },
            async (delivery, token) =>
            {
                if (await PostAsync(delivery, token))
                {
                    Interlocked.Increment(ref delivered);
                }
            });
        return new(claimed.Count, delivered, claimed.Count - delivered);
    }

    private sealed record Claimed(long Id, string EventId, string EventType, string Body, int Attempts, string Url, string Secret);

    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            var ids = await db.WebhookDeliveries
                .Where(d => (d.State == WebhookDeliveryState.Pending && (d.NextAttemptAt == null || d.NextAttemptAt <= now))
                    || (d.State == WebhookDeliveryState.Sending && d.ClaimedUntil < now))
                .OrderBy(d => d.Id).Select(d => d.Id).Take(Math.Max(1, settings.BatchSize)).ToListAsync(ct);
            if (ids.Count == 0)
            {
                return [];
            }
            // Long enough for the whole batch to be posted one after another, so a slow batch is never claimed twice.
            var until = now.AddSeconds(settings.TimeoutSeconds * (ids.Count + 1) + 30);
            await db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, WebhookDeliveryState.Sending)
                .SetProperty(d => d.ClaimedBy, _me)
                .SetProperty(d => d.ClaimedUntil, until)
                .SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
            await tx.CommitAsync(ct);
        }
        return await db.WebhookDeliveries.AsNoTracking().Where(d => d.ClaimedBy == _me && d.State == WebhookDeliveryState.Sending).OrderBy(d => d.Id)
            .Select(d => new Claimed(d.Id, d.EventId, d.EventType, d.Body, d.Attempts, d.Subscription.Url, d.Subscription.Secret)).ToListAsync(ct);
    }

    /// <summary>One attempt, logged; true when the receiver answered 2xx.</summary>
    private async Task<bool> PostAsync(Claimed delivery, CancellationToken ct)
    {
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        var at = time.GetUtcNow();
        int? status = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation(SignatureHeader, SignatureValue(delivery.Secret, at.ToUnixTimeSeconds(), delivery.Body));
            request.Headers.TryAddWithoutValidation(EventHeader, delivery.EventType);
            request.Headers.TryAddWithoutValidation(EventIdHeader, delivery.EventId);
            request.Headers.UserAgent.ParseAdd("BackorderDashboard-Webhooks/1.0");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
            using var response = await httpFactory.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"The receiver answered {status} {response.ReasonPhrase}.";
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"No answer within {settings.TimeoutSeconds:0.#} s.";
        }
        catch (HttpRequestException e)
        {
            error = $"Could not reach the receiver: {e.Message}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = $"The delivery failed: {e.Message}";
        }
        var duration = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var ok = error is null;
        if (!ok)
        {
            logger.LogInformation("Webhook {EventId} to {Url} failed (attempt {Attempt}): {Error}", delivery.EventId, delivery.Url, delivery.Attempts, error);
        }
        await RecordAsync(delivery, at.UtcDateTime, status, error, duration, ok);
        return ok;
    }

    private async Task RecordAsync(Claimed delivery, DateTime at, int? status, string? error, int duration, bool ok)
    {
        var next = ok ? (DateTime?)null : time.GetUtcNow().UtcDateTime + RetryDelay(delivery.Attempts);
        var truncated = error is { Length: > 1000 } ? error[..1000] : error;
        // Recorded even when the app is stopping: a receiver that has the event must not get it again needlessly.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await using var tx = await db.BeginWriteAsync(CancellationToken.None);
        if (!await db.WebhookDeliveries.AnyAsync(d => d.Id == delivery.Id, CancellationToken.None))
        {
            // Its subscription was deleted while it was on its way: there is nothing left to log it on.
            return;
        }
        db.WebhookAttempts.Add(new WebhookAttempt { DeliveryId = delivery.Id, At = at, StatusCode = status, Error = truncated, DurationMs = duration });
        await db.SaveChangesAsync(CancellationToken.None);
        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.ClaimedBy == _me).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, ok ? WebhookDeliveryState.Delivered : WebhookDeliveryState.Pending)
            .SetProperty(d => d.DeliveredAt, ok ? at : null)
            .SetProperty(d => d.NextAttemptAt, next)
            .SetProperty(d => d.LastStatusCode, status)
            .SetProperty(d => d.LastError, truncated)
            .SetProperty(d => d.LastAttemptAt, at)
            .SetProperty(d => d.ClaimedBy, (string?)null)
            .SetProperty(d => d.ClaimedUntil, (DateTime?)null), CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
    }
}

/// <summary>Runs the sender while the app runs.</summary>
public sealed class OutboundWebhookDispatcher(OutboundWebhookSender sender, OutboundWebhookSignal signal, ILogger<OutboundWebhookDispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = sender.Options;
        if (!settings.Enabled)
        {
            logger.LogInformation("Outbound webhooks are not sent by this instance (Webhooks:Outbound:Enabled is false).");
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            WebhookDispatchResult result;
            try
            {
                result = await sender.SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database was busy or gone for a moment: try again on the next tick.
                logger.LogError(e, "The webhook dispatcher failed; it tries again shortly.");
                result = new(0, 0, 0);
            }
            if (result.Claimed < settings.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(TimeSpan.FromSeconds(settings.PollSeconds), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

public static class OutboundWebhooksRegistration
{
    /// <summary>Subscriptions, the dispatcher and its HTTP client: signed events to other systems.</summary>
    public static IServiceCollection AddOutboundWebhooks(this IServiceCollection services)
    {
        services.AddOptions<OutboundWebhookOptions>().BindConfiguration(OutboundWebhookOptions.Section);
        services.AddHttpClient(OutboundWebhookSender.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect is an answer that is not 2xx: the receiver's address is what the merchant entered.
                AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(10),
            });
        // Safe to call again (a test adding the dispatcher back after taking hosted services out).
        services.TryAddSingleton<OutboundWebhookSignal>();
        services.TryAddSingleton<OutboundWebhookSender>();
        services.AddHostedService<OutboundWebhookDispatcher>();
        services.TryAddScoped<OutboundWebhookService>();
        return services;
    }
}
