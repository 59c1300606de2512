using BackorderDashboard.Features.Api;
using BackorderDashboard.Components;
using BackorderDashboard.Features.Import;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Features.Kpi;

namespace BackorderDashboard.Hosting;

/// <summary>The app's middleware and endpoints, in order, in one place.</summary>
public static class BackorderDashboardEndpoints
{
    public static WebApplication MapBackorderDashboard(this WebApplication app)
    {
        app.UseForwardedHeadersWhenEnabled();
        app.UseSecurityHeaders();
        app.UseHstsAndHttpsRedirection();
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

        app.UseBackorderRateLimits();
        app.UseApiRequestLimits();
        // Named here, after the headers and the limits, so a sign-in redirect carries the headers too (left to the
        // host, they would run first).
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode();

        app.MapAdditionalIdentityEndpoints();
        app.MapKpiExport();
        app.MapCsvExports();
        app.MapImportTemplates();
        app.MapBackorderApi();
        app.MapBackorderApiDocument();
        app.MapBackorderEmbed();
        app.MapStoreWebhooks();
        return app;
    }
}
