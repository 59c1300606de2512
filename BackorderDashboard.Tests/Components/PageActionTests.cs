using BackorderDashboard.Components.Shared;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackorderDashboard.Tests.Components;

/// <summary>The one way pages run an action: busy while it runs, the result in the snackbar, the page reloaded whatever happened.</summary>
public class PageActionTests : BunitTestContext
{
    private readonly List<string> _log = [];

    private ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    private PageAction NewAction() => new(Snackbar, () =>
    {
        _log.Add("reload");
        return Task.CompletedTask;
    });

    private IReadOnlyList<(string Message, Severity Severity)> Shown() =>
        Snackbar.ShownSnackbars.Select(s => (s.Message ?? "", s.Severity)).ToList();

    [Fact]
    public async Task Run_RefusedResult_ShowsItsMessageAsAWarningAndStillReloads()
    {
        var action = NewAction();

        var result = await action.RunAsync(() => Task.FromResult(ActionResult.Fail("Someone changed this order a moment ago.")));

        Assert.False(result.Succeeded);
        Assert.Equal([("Someone changed this order a moment ago.", Severity.Warning)], Shown());
        Assert.Equal(["reload"], _log);
        Assert.False(action.Busy);
    }

    [Fact]
    public async Task Run_SucceededResult_ShowsItsMessageAsSuccessThenReloads()
    {
        var action = NewAction();

        await action.RunAsync(() =>
        {
            _log.Add("act");
            return Task.FromResult(ActionResult.Ok("Line expedited."));
        });

        Assert.Equal([("Line expedited.", Severity.Success)], Shown());
        Assert.Equal(["act", "reload"], _log);
    }

    [Fact]
    public async Task Run_ActionThrows_ReloadsEndsBusyAndLetsTheErrorThrough()
    {
        var action = NewAction();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            action.RunAsync<ActionResult>(() => throw new InvalidOperationException("database gone"), Notice.Of));

        Assert.Equal(["reload"], _log);
        Assert.False(action.Busy);
        Assert.Empty(Shown());
    }

    [Fact]
    public async Task Run_WhileTheActionRuns_IsBusyWithItsText()
    {
        var action = NewAction();
        var running = new TaskCompletionSource<ActionResult>();

        var run = action.RunAsync(() => running.Task, "Applying the receipt…");

        Assert.True(action.Busy);
        Assert.Equal("Applying the receipt…", action.BusyText);
        Assert.Empty(_log);
        running.SetResult(ActionResult.Ok("Done."));
        await run;
        Assert.False(action.Busy);
        Assert.Equal("", action.BusyText);
    }

    [Fact]
    public async Task Run_NoNotice_ShowsNothing_SeveralNotices_ShowsEachInOrder()
    {
        var action = new PageAction(Snackbar);

        var quiet = await action.RunAsync(() => Task.FromResult(3), _ => (Notice?)null);
        await action.RunAsync(() => Task.FromResult(2), n => new[] { Notice.Warning("Acme has no products chosen."), Notice.Success($"{n} drafts created.") });

        Assert.Equal(3, quiet);
        Assert.Equal([("Acme has no products chosen.", Severity.Warning), ("2 drafts created.", Severity.Success)], Shown());
    }
}
