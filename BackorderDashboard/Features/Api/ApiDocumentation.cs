using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackorderDashboard.Domain;
using BackorderDashboard.Hosting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BackorderDashboard.Features.Api;

/// <summary>A request or response record that shows an example of itself in the OpenAPI document.</summary>
public interface IApiExample<TSelf> where TSelf : IApiExample<TSelf>
{
    static abstract TSelf Example { get; }
}

/// <summary>
/// The OpenAPI document of <c>/api/v1</c> at <c>/openapi/v1.json</c>, built from the endpoints' own metadata (name,
/// summary, <see cref="ApiScope"/>, produced types), so every call mapped under the group is described without a list
/// kept by hand; and the API reference page for staff at <c>/api/reference</c>. The document is public, as the API's
/// shape is no secret (the keys are); the reference page is for signed-in staff.
/// </summary>
public static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api/reference";
    public const string SecurityScheme = "Bearer";

    public static IServiceCollection AddBackorderApiDocument(this IServiceCollection services) => services.AddOpenApi("v1", options =>
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.OrdinalIgnoreCase) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Backorder Dashboard API",
                Version = "v1",
                Description = "Availability, orders and inventory of the store, through the same rules as the dashboard. Every call sends an API key "
                    + "(`Authorization: Bearer KEY`; an admin makes keys with scopes on the API keys page). Errors are RFC 9457 problem details; "
                    + "`errors` names the field or line. Calls are limited per key per minute (429 with Retry-After); bodies to 1 MB (413).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key. Each call needs the scope its requirement lists: " + string.Join(", ", Access.Scopes.All) + ".",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            // Every call of the group passes the key filter: a key is always needed, and the scope when the call names one.
            var scope = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiScope>().LastOrDefault()?.Scope;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = scope is null ? [] : [scope],
            });
            operation.Description = (operation.Description + "\n\n"
                + (scope is null ? "Needs an API key (any scope)." : $"Needs an API key with scope `{scope}`.")).TrimStart();
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<OptionalIdempotencyKey>().LastOrDefault() is { } optional)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = ApiIdempotency.Header, In = ParameterLocation.Header, Required = false,
                    Description = $"Optional: a key made once per {optional.What} and sent again with each retry. The same key with the same body "
                        + "answers the first answer again and changes nothing more; with another body, or while the first call still runs, 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = ApiIdempotency.MaxKeyLength },
                });
            }
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, text) in new[]
                     {
                         ("401", "No API key, or one unknown or revoked (problem details)."),
                         ("403", "The key lacks the scope this call needs (problem details)."),
                         ("413", "The request body is over 1 MB (problem details)."),
                         ("429", "Too many calls with this key this minute; wait Retry-After seconds (problem details)."),
                     })
            {
                operation.Responses.TryAdd(status, new OpenApiResponse { Description = text });
            }
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (ExampleOf(context.JsonTypeInfo.Type) is { } example)
            {
                schema.Examples = [example];
            }
            return Task.CompletedTask;
        });
    });

    public static WebApplication MapBackorderApiDocument(this WebApplication app)
    {
        app.MapOpenApi();
        // The page's scripts carry this response's CSP nonce, so the app's strict policy stays as it is here too; the
        // extras that would call Scalar's own services (fonts, telemetry, AI agent, toolbar) are off, as the policy
        // would refuse them anyway.
        app.MapScalarApiReference(ReferencePath, (options, http) => options
                .WithTitle("Backorder Dashboard API")
                .WithOpenApiRoutePattern(DocumentPath)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .WithNonce(http.CspNonce())
                .AddPreferredSecuritySchemes([SecurityScheme]))
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    private static JsonNode? ExampleOf(Type type)
    {
        if (!type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IApiExample<>)))
        {
            return null;
        }
        var value = type.GetProperty("Example", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        return value is null ? null : JsonSerializer.SerializeToNode(value, type, JsonSerializerOptions.Web);
    }
}
