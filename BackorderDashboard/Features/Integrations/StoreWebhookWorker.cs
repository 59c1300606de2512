namespace BackorderDashboard.Features.Integrations;

/// <summary>
/// Works the inbox in the background: woken when a delivery is stored or replayed, and every
/// <c>Connectors:PollSeconds</c> (5 by default) for retries that came due.
/// </summary>
public sealed class StoreWebhookWorker(IServiceScopeFactory scopes, StoreWebhookSignal signal, IConfiguration configuration, ILogger<StoreWebhookWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(0.1, configuration.GetValue<double?>("Connectors:PollSeconds") ?? 5));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StoreWebhookProcessor>().ProcessDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database away for a moment (a backup, a restart): the next round tries again.
                logger.LogWarning(e, "The store webhook inbox could not be read; trying again shortly.");
            }
            try
            {
                await signal.WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
