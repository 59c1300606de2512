using BackorderDashboard.Features.Import;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>The import page before a file is chosen: the kind selector, the upload button and a template per kind.</summary>
public class ImportPageTests : BunitTestContext, IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
        Services.AddSingleton(_services.Get<ImportService>());
        AddAuthorization().SetAuthorized("merchant@example.com").SetRoles(BackorderDashboard.Domain.Roles.Merchant);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public void ImportPage_BeforeAFile_OffersTheUploadAndATemplatePerKind()
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        var page = Render<ImportPage>();

        Assert.Equal(["/import/templates/products.csv", "/import/templates/stock-counts.csv", "/import/templates/purchase-orders.csv", "/import/templates/orders.csv"],
            page.FindAll("[data-testid^=import-template-]").Select(a => a.GetAttribute("href")));
        Assert.NotNull(page.Find("[data-testid=import-choose]"));
        Assert.Empty(page.FindAll("[data-testid=import-preview]"));
    }
}
