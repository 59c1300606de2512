using System.Security.Cryptography;
using System.Text;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Api;

/// <summary>The scope an API endpoint needs, as endpoint metadata read by <see cref="ApiKeyFilter"/>.</summary>
public sealed record ApiScope(string Scope);

/// <summary>
/// Every <c>/api/v1</c> call is made by a key: <c>Authorization: Bearer KEY</c>. No key, an unknown one or a revoked
/// one → 401; a key without the endpoint's scope → 403, both as problem details. The key then acts as itself
/// (<see cref="ApiCaller.Actor"/>) through the services' own permission check.
/// </summary>
public sealed class ApiKeyFilter(ApiKeyService keys, Hosting.RefusedApiKeys refused) : IEndpointFilter
{
    private const string CallerItem = "backorder:api-caller";

    public static ApiCaller Caller(HttpContext context) => (ApiCaller)context.Items[CallerItem]!;

    /// <summary>The presented key of a request, or null.</summary>
    public static string? PresentedKey(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var presented = PresentedKey(context.Request);
        var caller = await keys.AuthenticateAsync(presented, context.RequestAborted);
        if (caller is null)
        {
            if (presented is not null)
            {
                // A key that works is never held up; one that does not counts against the address it came from.
                if (refused.WaitOf(context) is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return ApiProblem.Of(StatusCodes.Status429TooManyRequests, "Too many requests",
                        $"Too many calls from this address with keys that are not known. Try again in {Hosting.RateLimits.Wait(seconds)}.");
                }
                refused.Refused(context);
            }
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"backorders\"";
            return ApiProblem.Of(StatusCodes.Status401Unauthorized, "Not signed in",
                presented is null
                    ? "Send an API key as “Authorization: Bearer KEY”. An admin makes keys on the API keys page."
                    : "This API key is not known or has been revoked.");
        }
        var scope = context.GetEndpoint()?.Metadata.GetMetadata<ApiScope>()?.Scope;
        if (scope is not null && !caller.Scopes.Contains(scope))
        {
            return ApiProblem.Of(StatusCodes.Status403Forbidden, "Not allowed",
                $"API key {caller.Name} has no “{scope}” scope, which this call needs.");
        }
        context.Items[CallerItem] = caller;
        return await next(invocation);
    }
}

/// <summary>RFC 9457 problem details as the API answers them, naming the field or line where there is one.</summary>
public static class ApiProblem
{
    public static IResult Of(int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (errors is { Count: > 0 })
        {
            extensions["errors"] = errors;
        }
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    public static IResult Field(int status, string field, string message) =>
        Of(status, status == StatusCodes.Status422UnprocessableEntity ? "Can't be done" : "Invalid request", message,
            new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Hashes a request body for idempotency and a response for its ETag.</summary>
public static class ApiHash
{
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
