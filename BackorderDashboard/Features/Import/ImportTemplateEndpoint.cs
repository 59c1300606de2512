using System.Text;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Import;

public static class ImportTemplateEndpoint
{
    /// <summary>
    /// A template per kind of file (<c>/import/templates/products.csv</c>): the header row and one example row, with a
    /// byte-order mark so a spreadsheet opens it as UTF-8.
    /// </summary>
    public static IEndpointConventionBuilder MapImportTemplates(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/import/templates/{kind}.csv", (string kind) =>
                ImportKinds.FromSlug(kind) is { } known
                    ? Results.File([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(ImportKinds.Template(known))], Csv.ContentType, $"{ImportKinds.Slug(known)}-template.csv")
                    : Results.NotFound())
            .RequireAuthorization(Policies.Operations);
}
