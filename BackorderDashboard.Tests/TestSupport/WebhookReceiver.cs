using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>One request as the receiver got it: the raw body and the headers the dashboard signs and names the event with.</summary>
public sealed record ReceivedWebhook(string Path, string Body, string? Signature, string? Event, string? EventId, string? ContentType);

/// <summary>
/// Another system's webhook endpoint: a real Kestrel server on 127.0.0.1 (port 0, so any free port) that records
/// every POST and answers with what the test asks for: a status code, or a pause longer than the sender waits.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<Task<int>>> _answers = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The address to subscribe, ending in <c>/hooks</c>.</summary>
    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Received.Enqueue(new ReceivedWebhook(http.Request.Path, body, http.Request.Headers["X-Backorder-Signature"],
                http.Request.Headers["X-Backorder-Event"], http.Request.Headers["X-Backorder-Event-Id"], http.Request.ContentType));
            var status = receiver._answers.TryDequeue(out var answer) ? await answer() : 200;
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/hooks";
        return receiver;
    }

    /// <summary>The next request is answered with this status.</summary>
    public void AnswerNext(int status) => _answers.Enqueue(() => Task.FromResult(status));

    /// <summary>The next request is answered only after this pause (longer than the sender's timeout: it gives up first).</summary>
    public void StallNext(TimeSpan pause) => _answers.Enqueue(async () =>
    {
        await Task.Delay(pause);
        return 200;
    });

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
