using System.Net;
using System.Text.RegularExpressions;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// An HTTP client that shows every response as sent (redirects, <c>Set-Cookie</c> headers) and keeps cookies itself,
/// Secure ones included, so a test can act as a browser behind a TLS-ending proxy: with <see cref="ForwardedFor"/> set,
/// each request says which client address and scheme the proxy saw.
/// </summary>
public sealed class RawHttpClient(string baseUrl) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
    private readonly Dictionary<string, string> _cookies = [];

    /// <summary>The client address the proxy reports (<c>X-Forwarded-For</c>); null sends no forwarded headers.</summary>
    public string? ForwardedFor { get; init; }

    /// <summary>The scheme the proxy reports (<c>X-Forwarded-Proto</c>).</summary>
    public string ForwardedProto { get; set; } = "https";

    /// <summary>The Host header; null keeps the server's own address.</summary>
    public string? Host { get; init; }

    /// <summary>Every <c>Set-Cookie</c> header received, in order.</summary>
    public List<string> SetCookies { get; } = [];

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (Host is not null)
        {
            request.Headers.Host = Host;
        }
        if (ForwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", ForwardedFor);
            request.Headers.Add("X-Forwarded-Proto", ForwardedProto);
        }
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }
        var response = await _http.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            SetCookies.Add(header);
            var pair = header.Split(';')[0];
            var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            if (value.Length == 0)
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary>Posts the sign-in form as a browser does: the page first, for its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostLoginAsync(string email, string password)
    {
        var page = await (await GetAsync("/Account/Login")).Content.ReadAsStringAsync();
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await SendAsync(HttpMethod.Post, "/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    /// <summary>The <c>Set-Cookie</c> header of the named cookie (its name starting so), lower case for flag checks.</summary>
    public string CookieHeader(string namePrefix) =>
        SetCookies.Last(c => c.StartsWith(namePrefix, StringComparison.Ordinal) && !c.Split(';')[0].EndsWith('=')).ToLowerInvariant();

    public void Dispose() => _http.Dispose();
}
