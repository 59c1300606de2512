using System.Net;
using System.Reflection;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>Who may open what, through the real HTTP pipeline, cookies and login form.</summary>
[Collection(AppCollection.Name)]
public class AccessTests(AppFactory app)
{
    private HttpClient Anonymous() => app.CreateHttpClient();

    private static string PathOf(Uri location) =>
        location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];

    // Who may open which page, for every role and a stranger: RouteAccessMatrixTests.

    [Fact]
    public async Task LoginPage_Development_ListsTheDemoLogins()
    {
        var html = await Anonymous().GetStringAsync("/Account/Login");

        Assert.Contains("data-testid=\"demo-logins\"", html);
        foreach (var (email, _) in DemoOptions.Logins)
        {
            Assert.Contains(email, html);
        }
        Assert.Contains(DemoOptions.Password, html);
        Assert.DoesNotContain("Register as a new user", html);
    }

    [Theory]
    [InlineData("merchant@example.com", "merchant-home")]
    [InlineData("support@example.com", "support-home")]
    [InlineData("manager@example.com", "manager-home")]
    public async Task Home_EachRole_GetsItsOwnSection(string email, string section)
    {
        var client = await app.CreateSignedInClientAsync(email);

        var html = await client.GetStringAsync("/");

        string[] sections = ["merchant-home", "support-home", "manager-home"];
        Assert.Contains($"data-testid=\"{section}\"", html);
        AssertAll.NonEmpty(sections.Where(s => s != section), other => Assert.DoesNotContain($"data-testid=\"{other}\"", html));
    }

    [Fact]
    public async Task Login_FiveWrongPasswords_LocksTheAccount()
    {
        const string email = "lockout-test@example.com";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var created = await users.CreateAsync(
                new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true }, "a long enough passphrase");
            Assert.True(created.Succeeded);
            await users.AddToRoleAsync((await users.FindByEmailAsync(email))!, Roles.Merchant);
        }
        var client = app.CreateHttpClient();

        for (var i = 0; i < 4; i++)
        {
            var wrong = await AppFactory.PostLoginAsync(client, email, "not the password at all");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Invalid e-mail or password", await wrong.Content.ReadAsStringAsync());
        }
        var fifth = await AppFactory.PostLoginAsync(client, email, "not the password at all");
        var right = await AppFactory.PostLoginAsync(client, email, "a long enough passphrase");

        Assert.Equal("/Account/Lockout", PathOf(fifth.Headers.Location!));
        Assert.Equal("/Account/Lockout", PathOf(right.Headers.Location!));
    }

    [Fact]
    public async Task Register_SelfRegistrationOff_ShowsNoticeAndCreatesNoUser()
    {
        var client = Anonymous();
        var html = await client.GetStringAsync("/Account/Register");

        Assert.Contains("data-testid=\"registration-closed\"", html);
        Assert.DoesNotContain("Input.ConfirmPassword", html);
    }

    [Fact]
    public async Task ApexCharts_ComesFromNpmThroughTheBuild()
    {
        var response = await Anonymous().GetAsync("/lib/apexcharts/apexcharts.min.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ApexCharts", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task KpiCsv_ManagerGetsTheChartsData_SupportAndStrangersDoNot()
    {
        var manager = await app.CreateSignedInClientAsync("manager@example.com");

        var response = await manager.GetAsync("/kpi/export/backorder-rate.csv?range=30&group=day");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Period,From,To,Orders,Backordered orders,Backorder rate %", lines[0]);
        Assert.Equal(31, lines.Length);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/kpi/export/nothing.csv")).StatusCode);

        var support = await (await app.CreateSignedInClientAsync("support@example.com")).GetAsync("/kpi/export/backorder-rate.csv");
        Assert.Equal(HttpStatusCode.Redirect, support.StatusCode);
        Assert.Equal("/Account/AccessDenied", PathOf(support.Headers.Location!));
        var stranger = await Anonymous().GetAsync("/kpi/export/backorder-rate.csv");
        Assert.Equal(HttpStatusCode.Redirect, stranger.StatusCode);
        Assert.Equal("/Account/Login", PathOf(stranger.Headers.Location!));
    }

    [Fact]
    public void EveryPage_DeclaresWhoMayOpenIt()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes<RouteAttribute>().Any())
            .ToList();

        Assert.NotEmpty(pages);
        var undeclared = pages.Where(t => t.GetCustomAttribute<AuthorizeAttribute>() is null && t.GetCustomAttribute<AllowAnonymousAttribute>() is null);
        Assert.Empty(undeclared.Select(t => t.FullName));
        // Anonymous pages are the sign-in flows, the error pages and the customer's tracking page only.
        var anonymous = pages.Where(t => t.GetCustomAttribute<AllowAnonymousAttribute>() is not null)
            .Where(t => !t.Namespace!.EndsWith(".Account.Pages") && t.Name is not ("Error" or "NotFound")).ToList();
        Assert.Equal([typeof(BackorderDashboard.Features.Tracking.TrackingPage)], anonymous);
        // App pages name one of the role policies, never a bare [Authorize].
        var appPages = pages.Where(t => t.Namespace!.StartsWith("BackorderDashboard.Features")).Except(anonymous);
        AssertAll.NonEmpty(appPages, t => Assert.Contains(t.GetCustomAttribute<AuthorizeAttribute>()?.Policy, Policies.RolesByPolicy.Keys));
    }
}
