using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using BackorderDashboard.Features.Api;

namespace BackorderDashboard.Hosting;

/// <summary>The limits, from the <c>RateLimits</c> section.</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in attempts (form posts) from one client address per minute, whatever the account.</summary>
    public int SignInPerAddressPerMinute { get; set; } = 10;

    /// <summary>Sign-in attempts for one account (the e-mail as typed, normalised) from one client address per five minutes.</summary>
    public int SignInPerAccountPerFiveMinutes { get; set; } = 5;

    /// <summary>Tracking page loads from one client address per minute.</summary>
    public int TrackingPerAddressPerMinute { get; set; } = 30;

    /// <summary>REST API calls per minute with one key (without a key, or with one not shaped as a key: from one client address).</summary>
    public int ApiPerKeyPerMinute { get; set; } = 600;

    /// <summary>
    /// API calls with a key that is not known or revoked, from one client address per minute; past it, such calls from that
    /// address get 429 for the rest of the minute (keys that work are not held up), so made-up keys cannot each open an
    /// allowance of their own.
    /// </summary>
    public int ApiRefusedKeysPerAddressPerMinute { get; set; } = 30;
    /// <summary>Badge requests (<c>/embed/*</c>, from the shop's pages) from one client address per minute.</summary>
    public int EmbedPerAddressPerMinute { get; set; } = 120;
}

/// <summary>
/// ASP.NET Core's rate limiter on the doors strangers can knock on: the sign-in form (per client address, and per
/// account from each address), the customer's tracking page and the shop pages' live badge (per address). Over a limit the answer is 429 with
/// <c>Retry-After</c> and a short page saying how long to wait. The per-account limit counts each address on its own,
/// so a stranger using up an account's tries does not keep its owner, elsewhere, from signing in; the sign-in
/// throttle (<see cref="Components.Account.SignInThrottle"/>) adds the lockout on wrong passwords on the same terms.
/// The REST API is limited per presented key (its hash), so one busy storefront does not slow another; there the 429
/// is problem details.
/// </summary>
public static class RateLimits
{
    /// <summary>The form field of the e-mail address on the sign-in page.</summary>
    public const string EmailField = "Input.Email";

    private static readonly string[] SignInPaths = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode"];

    public static IServiceCollection AddBackorderRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitSettings.Section).Get<RateLimitSettings>() ?? new RateLimitSettings();
        foreach (var (name, value) in new[]
                 {
                     (nameof(settings.SignInPerAddressPerMinute), settings.SignInPerAddressPerMinute),
                     (nameof(settings.SignInPerAccountPerFiveMinutes), settings.SignInPerAccountPerFiveMinutes),
                     (nameof(settings.TrackingPerAddressPerMinute), settings.TrackingPerAddressPerMinute),
                     (nameof(settings.ApiPerKeyPerMinute), settings.ApiPerKeyPerMinute),
                     (nameof(settings.ApiRefusedKeysPerAddressPerMinute), settings.ApiRefusedKeysPerAddressPerMinute),
                     (nameof(settings.EmbedPerAddressPerMinute), settings.EmbedPerAddressPerMinute),
                 })
        {
            if (value < 1)
            {
                throw new InvalidOperationException($"{RateLimitSettings.Section}:{name} must be 1 or more (it is {value}).");
            }
        }

        services.AddSingleton(new RefusedApiKeys(settings.ApiRefusedKeysPerAddressPerMinute));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignInPost(context)
                    ? Window($"sign-in|{ClientAddress.Of(context)}", settings.SignInPerAddressPerMinute, TimeSpan.FromMinutes(1))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignInPost(context) && SubmittedEmail(context) is { } email
                    ? Window($"account|{email}|{ClientAddress.Of(context)}", settings.SignInPerAccountPerFiveMinutes, TimeSpan.FromMinutes(5))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => SecurityHeaders.IsTrackingPage(context.Request.Path)
                    ? Window($"track|{ClientAddress.Of(context)}", settings.TrackingPerAddressPerMinute, TimeSpan.FromMinutes(1))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => ApiRequestLimits.IsApi(context.Request.Path)
                    ? Window($"api|{ApiCaller(context)}", settings.ApiPerKeyPerMinute, TimeSpan.FromMinutes(1))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => SecurityHeaders.IsEmbed(context.Request.Path)
                    ? Window($"embed|{ClientAddress.Of(context)}", settings.EmbedPerAddressPerMinute, TimeSpan.FromMinutes(1))
                    : RateLimitPartition.GetNoLimiter("")));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>The limiter, after the sign-in form has been read (its e-mail address picks the per-account limit).</summary>
    public static WebApplication UseBackorderRateLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (IsSignInPost(context) && context.Request.HasFormContentType)
            {
                // Read once here; the sign-in page and antiforgery get the same parsed form afterwards.
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The e-mail address a sign-in form was posted with, normalised as Identity does (trimmed, upper case).</summary>
    public static string? SubmittedEmail(HttpContext context) =>
        context.Features.Get<IFormFeature>()?.Form?[EmailField].ToString().Trim() is { Length: > 0 } email
            ? email.ToUpperInvariant()
            : null;

    /// <summary>
    /// Whom an API call counts against: the hash of its key, never the key itself. Anything not shaped like a key counts
    /// against the client address, so made-up values do not each open a fresh allowance.
    /// </summary>
    private static string ApiCaller(HttpContext context) =>
        ApiKeyFilter.PresentedKey(context.Request) is { } key && key.StartsWith(ApiKeyService.KeyPrefix, StringComparison.Ordinal) && key.Length <= 100
            ? $"key|{ApiHash.Of(key)}"
            : $"address|{ClientAddress.Of(context)}";

    private static bool IsSignInPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && SignInPaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        });

    /// <summary>The wait a 429 names, in words.</summary>
    public static string Wait(int seconds) => seconds == 1 ? "1 second" : $"{seconds.ToString(CultureInfo.InvariantCulture)} seconds";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        var response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var wait = Wait(seconds);
        if (rejected.HttpContext.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await ApiProblem.Of(StatusCodes.Status429TooManyRequests, "Too many requests",
                $"This API key made too many calls this minute. Please wait {wait} and try again.").ExecuteAsync(rejected.HttpContext);
            return;
        }
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Too many requests</title></head>
            <body><h1>Too many requests</h1><p>Too many tries in a short time. Please wait {wait} and try again.</p></body></html>
            """, ct);
    }
}

/// <summary>
/// Counts API calls refused for an unknown or revoked key per client address. The per-key limit cannot see a caller
/// who sends a new made-up key each time; this one can, and answers that address's refused keys 429 for the rest of
/// its minute.
/// </summary>
public sealed class RefusedApiKeys(int perAddressPerMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perAddressPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    /// <summary>Seconds the address must wait, or null while it still has refusals left this minute.</summary>
    public int? WaitOf(HttpContext context)
    {
        var address = ClientAddress.Of(context);
        if (_limiter.GetStatistics(address) is { CurrentAvailablePermits: > 0 } or null)
        {
            return null;
        }
        using var lease = _limiter.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
    }

    /// <summary>Counts one refused key against the request's address.</summary>
    public void Refused(HttpContext context)
    {
        using var _ = _limiter.AttemptAcquire(ClientAddress.Of(context));
    }

    public void Dispose() => _limiter.Dispose();
}
