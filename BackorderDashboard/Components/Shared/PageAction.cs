using BackorderDashboard.Features.Backorders;
using MudBlazor;

namespace BackorderDashboard.Components.Shared;

/// <summary>A message for the snackbar after an action.</summary>
public sealed record Notice(string Message, Severity Severity)
{
    public static Notice Success(string message) => new(message, Severity.Success);

    public static Notice Warning(string message) => new(message, Severity.Warning);

    public static Notice Error(string message) => new(message, Severity.Error);

    public static Notice Info(string message) => new(message, Severity.Info);

    /// <summary>A service's refusal is a warning: the user can read why and try again, nothing broke.</summary>
    public static Notice Of(ActionResult result) => result.Succeeded ? Success(result.Message) : Warning(result.Message);
}

/// <summary>
/// How a page runs what the user asked for: it is busy while the action runs (buttons bind to <see cref="Busy"/>),
/// the snackbar says what the result says, and the page reloads afterwards even when the action failed or threw,
/// because a refused or half-seen change may still mean the data on screen is stale.
/// One action runs at a time: a second click that arrives while the first runs (before the disabled button reached
/// the browser) does not run the action again but gets the running one's result, so a double-click places one order.
/// </summary>
public sealed class PageAction(ISnackbar snackbar, Func<Task>? reload = null)
{
    private Task? _running;

    public bool Busy { get; private set; }

    /// <summary>What the page is doing while busy, for actions that take long enough to say so.</summary>
    public string BusyText { get; private set; } = "";

    public Task<ActionResult> RunAsync(Func<Task<ActionResult>> action, string busyText = "") =>
        RunAsync(action, Notice.Of, busyText);

    public Task<T> RunAsync<T>(Func<Task<T>> action, Func<T, Notice?> notice, string busyText = "") =>
        RunAsync(action, result => notice(result) is { } one ? [one] : [], busyText);

    public Task<T> RunAsync<T>(Func<Task<T>> action, Func<T, IEnumerable<Notice>> notices, string busyText = "")
    {
        switch (_running)
        {
            case Task<T> same:
                return same;
            case { } other:
                // Another kind of action is running (two buttons clicked at once): this one waits its turn.
                return AfterAsync(other, () => RunAsync(action, notices, busyText));
        }
        var run = RunOnceAsync(action, notices, busyText);
        if (!run.IsCompleted)
        {
            _running = run;
        }
        return run;
    }

    private static async Task<T> AfterAsync<T>(Task other, Func<Task<T>> next)
    {
        try
        {
            await other;
        }
        catch
        {
            // The other action's failure is its own caller's to handle.
        }
        return await next();
    }

    private async Task<T> RunOnceAsync<T>(Func<Task<T>> action, Func<T, IEnumerable<Notice>> notices, string busyText)
    {
        Busy = true;
        BusyText = busyText;
        try
        {
            var result = await action();
            foreach (var notice in notices(result))
            {
                snackbar.Add(notice.Message, notice.Severity);
            }
            return result;
        }
        finally
        {
            Busy = false;
            BusyText = "";
            try
            {
                if (reload is not null)
                {
                    await reload();
                }
            }
            finally
            {
                // Until the page shows the outcome, a click still belongs to this action.
                _running = null;
            }
        }
    }
}
