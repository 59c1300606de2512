using BackorderDashboard.Domain;
using Microsoft.AspNetCore.Components;

namespace BackorderDashboard.Components.Shared;

/// <summary>
/// A page that shows stock or queues and refreshes itself when a receipt commits elsewhere (another browser, another
/// user), without a reload. The publisher is not held up: the refresh runs on this page's own circuit.
/// </summary>
public abstract class StockAwarePage : ComponentBase, IDisposable
{
    [Inject] private StockNotifier Notifier { get; set; } = default!;

    [Inject] private ILogger<StockAwarePage> Logger { get; set; } = default!;

    /// <summary>Reloads what the page shows if it concerns any of the changed products.</summary>
    protected abstract Task OnStockChangedAsync(IReadOnlyCollection<int> productIds);

    protected override void OnInitialized() => Notifier.Changed += OnChanged;

    private Task OnChanged(IReadOnlyCollection<int> productIds)
    {
        _ = InvokeAsync(async () =>
        {
            try
            {
                await OnStockChangedAsync(productIds);
                StateHasChanged();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Logger.LogWarning(e, "A page could not refresh after a stock change.");
            }
        });
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Notifier.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
