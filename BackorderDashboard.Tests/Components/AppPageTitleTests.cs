using BackorderDashboard.Components.Shared;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Sections;

namespace BackorderDashboard.Tests.Components;

/// <summary>A page names itself once: the top bar's outlet (as in MainLayout) shows the name the page gives.</summary>
public class AppPageTitleTests : BunitTestContext
{
    private static RenderFragment TopBarAndPage(string? title) => b =>
    {
        b.OpenElement(0, "header");
        b.OpenComponent<SectionOutlet>(1);
        b.AddComponentParameter(2, nameof(SectionOutlet.SectionName), AppPageTitle.SectionName);
        b.CloseComponent();
        b.CloseElement();
        if (title is not null)
        {
            b.OpenComponent<AppPageTitle>(3);
            b.AddComponentParameter(4, nameof(AppPageTitle.Title), title);
            b.CloseComponent();
        }
    };

    [Fact]
    public void AppPageTitle_PageNamesItself_TheTopBarShowsTheName()
    {
        var cut = Render(TopBarAndPage("Order SO-102438"));

        Assert.Equal("Order SO-102438", cut.Find("header").TextContent.Trim());
    }

    [Fact]
    public void AppPageTitle_PageGivesNoName_TheTopBarShowsNone()
    {
        var cut = Render(TopBarAndPage(null));

        Assert.Equal("", cut.Find("header").TextContent.Trim());
    }
}
