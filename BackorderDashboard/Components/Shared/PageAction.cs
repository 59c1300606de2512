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
/// </summary>
public sealed class PageAction(ISnackbar snackbar, Func<Task>? reload = null)
{
    public bool Busy { get; private set; }

    /// <summary>What the page is doing while busy, for actions that take long enough to say so.</summary>
    public string BusyText { get; private set; } = "";

    public Task<ActionResult> RunAsync(Func<Task<ActionResult>> action, string busyText = "") =>
        RunAsync(action, Notice.Of, busyText);

    public Task<T> RunAsync<T>(Func<Task<T>> action, Func<T, Notice?> notice, string busyText = "") =>
        RunAsync(action, result => notice(result) is { } one ? [one] : [], busyText);

    public async Task<T> RunAsync<T>(Func<Task<T>> action, Func<T, IEnumerable<Notice>> notices, string busyText = "")
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
            if (reload is not null)
            {
                await reload();
            }
        }
    }
}
