using System.Security.Claims;
using BackorderDashboard.Components.Layout;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>The navigation, evaluated with the app's real authorization policies for a user with given roles.</summary>
public class NavMenuTests : BunitTestContext
{
    public NavMenuTests()
    {
        Services.AddAuthorizationBuilder().AddBackorderPolicies();
        // The real evaluator, not bUnit's stand-in: the test checks the policies themselves.
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
    }

    private IRenderedComponent<NavMenu> RenderFor(params string[] roles)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "pat@example.com"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "Test");
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        return Render<CascadingValue<Task<AuthenticationState>>>(p => p
            .Add(c => c.Value, state)
            .AddChildContent<NavMenu>())
            .FindComponent<NavMenu>();
    }

    private static string[] Links(IRenderedComponent<NavMenu> menu) =>
        menu.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href") ?? "").ToArray();

    [Fact]
    public void NavMenu_Admin_SeesHomeAndAdministration()
    {
        var menu = RenderFor(Roles.Admin);

        Assert.Equal(["/", "/products", "/backorders", "/support", "/customers", "/orders/new", "/outbox", "/shipping", "/kpi", "/replenishment", "/purchase-orders", "/receiving", "/stock/count", "/suppliers", "/import", "/storefront", "/integrations", "/admin/users", "/admin/settings", "/admin/audit", "/admin/api-keys"], Links(menu));
        Assert.Contains("Administration", menu.Markup);
    }

    [Theory]
    [InlineData(Roles.Merchant, "/", "/products", "/backorders", "/support", "/customers", "/orders/new", "/shipping", "/kpi", "/replenishment", "/purchase-orders", "/receiving", "/stock/count", "/suppliers", "/import", "/storefront", "/integrations")]
    [InlineData(Roles.CustomerService, "/", "/products", "/backorders", "/support", "/customers", "/orders/new", "/outbox")]
    [InlineData(Roles.Manager, "/", "/products", "/backorders", "/support", "/customers", "/kpi", "/replenishment", "/purchase-orders", "/receiving", "/suppliers")]
    public void NavMenu_NonAdminRole_SeesItsPagesButNoAdministration(string role, params string[] pages)
    {
        var menu = RenderFor(role);

        Assert.Equal(pages, Links(menu));
        Assert.DoesNotContain("Administration", menu.Markup);
    }

    [Fact]
    public void NavMenu_UserWithoutRole_SeesNoPage()
    {
        var menu = RenderFor();

        Assert.Empty(Links(menu));
    }
}
