namespace BackorderDashboard.Domain;

/// <summary>
/// Tells open pages that products' stock or queues changed (a receipt committed), so product, queue and
/// ready-to-ship pages in other browsers refresh without a reload. In-process: one app instance.
/// </summary>
public sealed class StockNotifier
{
    public event Func<IReadOnlyCollection<int>, Task>? Changed;

    public async Task PublishAsync(IReadOnlyCollection<int> productIds)
    {
        if (Changed is not { } handlers)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Func<IReadOnlyCollection<int>, Task>>())
        {
            try
            {
                await handler(productIds);
            }
            catch (ObjectDisposedException)
            {
                // A page closed while being told; it has unsubscribed or is about to.
            }
        }
    }
}
