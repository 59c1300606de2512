using BackorderDashboard.Components;
using BackorderDashboard.Features.Kpi;

namespace BackorderDashboard.Hosting;

/// <summary>The app's middleware and endpoints, in order, in one place.</summary>
public static class BackorderDashboardEndpoints
{
    public static WebApplication MapBackorderDashboard(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.UseMigrationsEndPoint();
        }
        else
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

        // Dates and numbers follow the browser's language where we support it; American English otherwise.
        app.UseRequestLocalization(options => options
            .SetDefaultCulture("en-US")
            .AddSupportedCultures("en-US", "en-GB", "en-CA", "en-AU", "de-DE", "fr-FR", "es-ES", "nl-NL")
            .AddSupportedUICultures("en-US"));

        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode();

        app.MapAdditionalIdentityEndpoints();
        app.MapKpiExport();
        return app;
    }
}
