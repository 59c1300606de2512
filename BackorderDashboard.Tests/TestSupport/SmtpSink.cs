using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// A real SMTP server for the tests: Debian's aiosmtpd (package python3-aiosmtpd, installed by .ci/run when missing)
/// on 127.0.0.1, storing every message it accepts in a maildir the test reads back. It can be stopped and started
/// again on the same port to play a mail server outage.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly string _maildir = Path.Combine(Path.GetTempPath(), $"smtp-sink-{Guid.NewGuid():N}");
    private Process? _server;

    private SmtpSink(int port) => Port = port;

    public int Port { get; }

    /// <summary>A free port with nothing listening yet; <see cref="StartAsync"/> brings the server up on it.</summary>
    public static SmtpSink OnFreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new SmtpSink(port);
    }

    public static async Task<SmtpSink> StartNewAsync()
    {
        var sink = OnFreePort();
        await sink.StartAsync();
        return sink;
    }

    public async Task StartAsync()
    {
        // aiosmtpd makes the maildir (with its tmp/new/cur folders) itself, but only when the folder does not exist yet.
        var python = FindPython();
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", _maildir },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        var output = new System.Text.StringBuilder();
        _server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _server.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_server.HasExited)
            {
                await _server.WaitForExitAsync();
                lock (output)
                {
                    throw new InvalidOperationException($"aiosmtpd stopped at once: {output}");
                }
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"aiosmtpd did not listen on port {Port} within 20 s.");
    }

    public async Task StopAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        _server = null;
    }

    /// <summary>Every message the server has accepted so far, parsed.</summary>
    public IReadOnlyList<MimeMessage> Received()
    {
        var folder = Path.Combine(_maildir, "new");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder).Select(f => MimeMessage.Load(f)).OrderBy(m => m.Date).ThenBy(m => m.MessageId).ToList()
            : [];
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived (the sender has returned by then; this is a safety margin).</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var received = Received();
            if (received.Count >= count || DateTime.UtcNow > deadline)
            {
                return received;
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_maildir))
        {
            Directory.Delete(_maildir, recursive: true);
        }
    }

    /// <summary>Debian's interpreter first: a python3 earlier on the PATH (pyenv, say) may lack the apt-installed module.</summary>
    private static string FindPython()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("SMTP_SINK_PYTHON"), "/usr/bin/python3", "python3" })
        {
            if (string.IsNullOrEmpty(candidate))
            {
                continue;
            }
            try
            {
                using var check = Process.Start(new ProcessStartInfo(candidate)
                {
                    ArgumentList = { "-c", "import aiosmtpd" }, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
                });
                if (check is not null && check.WaitForExit(15_000) && check.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name.
            }
        }
        throw new InvalidOperationException("The SMTP tests need aiosmtpd: apt-get install -y python3-aiosmtpd (bash .ci/run does this).");
    }
}
