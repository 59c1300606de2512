using BackorderDashboard.Components.Shared;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BackorderDashboard.Tests.Components;

public class ApexChartTests : BunitTestContext
{
    private const string ModulePath = "./Components/Shared/ApexChart.razor.js";
    private readonly BunitJSModuleInterop _module;

    public ApexChartTests()
    {
        _module = JSInterop.SetupModule(ModulePath);
        _module.SetupVoid("create", _ => true).SetVoidResult();
        _module.SetupVoid("update", _ => true).SetVoidResult();
        _module.SetupVoid("destroy", _ => true).SetVoidResult();
    }

    /// <summary>A bar chart of orders per week starting Nov 2, as the app's chart options are shaped.</summary>
    private static object Weeks(params int[] orders) => new
    {
        chart = new { type = "bar" },
        series = new[] { new { name = "Orders", data = orders } },
        xaxis = new { categories = orders.Select((_, i) => MerchantClock.ShortDate(new DateOnly(2026, 11, 2).AddDays(7 * i))).ToArray() },
    };

    [Fact]
    public void ApexChart_FirstRender_CreatesTheChartWithTheOptionsAsJson()
    {
        var chart = Render<ApexChart>(p => p.Add(c => c.Options, Weeks(10, 20)).Add(c => c.Title, "Orders").Add(c => c.Height, 250));

        var create = Assert.Single(_module.Invocations, i => i.Identifier == "create");
        var json = Assert.IsType<string>(create.Arguments[2]);
        Assert.Contains("\"series\":[{\"name\":\"Orders\",\"data\":[10,20]}", json);
        Assert.Contains("\"categories\":[\"Nov 2\",\"Nov 9\"]", json);
        Assert.Equal(250, create.Arguments[3]);
        Assert.Equal("Orders", chart.Find("div.apex-chart").GetAttribute("aria-label"));
    }

    [Fact]
    public void ApexChart_NewOptions_UpdatesInPlaceInsteadOfRecreating()
    {
        var chart = Render<ApexChart>(p => p.Add(c => c.Options, Weeks(10, 20)).Add(c => c.Title, "Orders"));

        chart.Render(p => p.Add(c => c.Options, Weeks(10, 25)));

        Assert.Single(_module.Invocations, i => i.Identifier == "create");
        var update = Assert.Single(_module.Invocations, i => i.Identifier == "update");
        Assert.Contains("[10,25]", Assert.IsType<string>(update.Arguments[1]));
    }

    [Fact]
    public void ApexChart_SameOptionsAgain_DoesNotCallTheBrowser()
    {
        var chart = Render<ApexChart>(p => p.Add(c => c.Options, Weeks(10, 20)).Add(c => c.Title, "Orders"));

        chart.Render(p => p.Add(c => c.Options, Weeks(10, 20)));

        Assert.DoesNotContain(_module.Invocations, i => i.Identifier == "update");
    }

    [Fact]
    public void ApexChart_DarkModeChange_RedrawsInDarkTheme()
    {
        var options = Weeks(1);
        void Theme(ComponentParameterCollectionBuilder<CascadingValue<bool>> p, bool dark) => p
            .Add(c => c.Name, "DarkMode").Add(c => c.Value, dark)
            .AddChildContent<ApexChart>(c => c.Add(x => x.Options, options).Add(x => x.Title, "Orders"));
        var host = Render<CascadingValue<bool>>(p => Theme(p, false));

        host.Render(p => Theme(p, true));

        var update = Assert.Single(_module.Invocations, i => i.Identifier == "update");
        Assert.Equal(true, update.Arguments[3]);
    }

    [Fact]
    public async Task ApexChart_Disposed_DestroysTheChart()
    {
        var chart = Render<ApexChart>(p => p.Add(c => c.Options, Weeks(1)).Add(c => c.Title, "Orders"));

        await chart.Instance.DisposeAsync();

        Assert.Single(_module.Invocations, i => i.Identifier == "destroy");
    }
}
