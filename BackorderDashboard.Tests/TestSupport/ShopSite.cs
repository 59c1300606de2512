using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// A merchant's shop site on an origin of its own (<c>http://127.0.0.1:PORT</c>, not the dashboard's localhost): one
/// static product page with the lines the README tells the merchant to paste.
/// </summary>
public sealed class ShopSite : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _html;
    private readonly Task _serving;

    private ShopSite(int port, string html)
    {
        Origin = $"http://127.0.0.1:{port}";
        _html = html;
        _listener.Prefixes.Add($"{Origin}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The site's origin, as its pages' requests name it in their <c>Origin</c> header.</summary>
    public string Origin { get; }

    /// <summary>A product page showing a badge for each SKU, the script loaded from the dashboard at <paramref name="dashboardUrl"/>.</summary>
    public static ShopSite Start(string dashboardUrl, params string[] skus)
    {
        var spans = string.Concat(skus.Select(s => $"<p>{WebUtility.HtmlEncode(s)}: <span data-backorder-sku=\"{WebUtility.HtmlEncode(s)}\"></span></p>"));
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>A shop's product page</title></head>
            <body><h1>Our products</h1>{spans}
            <script src="{dashboardUrl}/embed/badge.js" async></script></body></html>
            """;
        // A free port: taken from the system, then handed to the listener (nothing else runs on the loopback here between the two).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new ShopSite(port, html);
    }

    private async Task ServeAsync()
    {
        var body = Encoding.UTF8.GetBytes(_html);
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var response = context.Response;
            if (context.Request.Url?.AbsolutePath == "/")
            {
                response.ContentType = "text/html; charset=utf-8";
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body);
            }
            else
            {
                // Nothing else on the page (the browser asks for a favicon): an empty answer, not an error in the console.
                response.StatusCode = 204;
            }
            response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
