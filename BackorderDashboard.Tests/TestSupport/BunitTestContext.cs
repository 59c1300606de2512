using Bunit;
using MudBlazor.Services;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// The one bUnit context for component tests: MudBlazor's services, loose JS interop (MudBlazor calls JS we do not
/// assert on), and an async teardown, because MudBlazor's services can only be disposed asynchronously.
/// </summary>
public abstract class BunitTestContext : BunitContext, IAsyncLifetime
{
    protected BunitTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
