using Bunit;
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

    [Fact]
    public async Task Run_SecondClickWhileTheFirstRuns_DoesNotRunAgainAndGetsTheFirstResult()
    {
        var action = NewAction();
        var running = new TaskCompletionSource<ActionResult>();
        var runs = 0;
        Task<ActionResult> Place()
        {
            runs++;
            return running.Task;
        }

        var first = action.RunAsync(Place);
        var second = action.RunAsync(Place);
        running.SetResult(ActionResult.Ok("PO-1001 placed."));

        Assert.Equal(1, runs);
        Assert.Same(await first, await second);
        Assert.Equal([("PO-1001 placed.", Severity.Success)], Shown());
        Assert.Equal(["reload"], _log);
    }

    [Fact]
    public async Task Run_ClickAfterTheFirstFinished_RunsAgain()
    {
        var action = NewAction();
        var runs = 0;

        await action.RunAsync(async () => { runs++; await Task.Yield(); return ActionResult.Ok("One."); });
        await action.RunAsync(async () => { runs++; await Task.Yield(); return ActionResult.Ok("Two."); });

        Assert.Equal(2, runs);
        Assert.Equal(["reload", "reload"], _log);
    }

    [Fact]
    public async Task Run_OtherActionWhileOneRuns_WaitsForItThenRuns()
    {
        var action = NewAction();
        var running = new TaskCompletionSource<ActionResult>();
        var order = new List<string>();

        var first = action.RunAsync(async () => { order.Add("first"); return await running.Task; });
        var second = action.RunAsync(() => { order.Add("second"); return Task.FromResult(3); }, _ => (Notice?)null);
        Assert.Equal(["first"], order);
        running.SetResult(ActionResult.Ok("Done."));

        await first;
        Assert.Equal(3, await second);
        Assert.Equal(["first", "second"], order);
    }

    [Fact]
    public async Task PlaceButton_DoubleClicked_PlacesOnceAndShowsBusy()
    {
        var running = new TaskCompletionSource<ActionResult>();
        var placed = 0;
        var page = Render<SingleFlightProbe>(p => p.Add(c => c.Action, () => { placed++; return running.Task; }));

        // The click's handler runs until the action is done, so neither click is awaited before the action ends.
        var click = page.Find("button").ClickAsync(new());
        page.WaitForAssertion(() => Assert.True(page.Find("button").HasAttribute("disabled")));
        // The browser may send a second click before it sees the disabled button.
        Task? second = null;
        await page.InvokeAsync(() => { second = page.Instance.PlaceAsync(); });
        running.SetResult(ActionResult.Ok("Placed."));
        await click.WaitAsync(TimeSpan.FromSeconds(10));
        await second!.WaitAsync(TimeSpan.FromSeconds(10));

        page.WaitForAssertion(() => Assert.False(page.Find("button").HasAttribute("disabled")));
        Assert.Equal(1, placed);
    }
}
