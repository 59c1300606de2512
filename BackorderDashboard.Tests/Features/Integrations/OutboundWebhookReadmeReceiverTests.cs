using System.Diagnostics;
using System.Text.RegularExpressions;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Integrations;

/// <summary>The receiver example of the README, run as it is printed there, against a delivery a real receiver got.</summary>
public class OutboundWebhookReadmeReceiverTests : IAsyncLifetime
{
    private const string Secret = "whsec_the-secret-the-erp-was-given";
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        // The machine's clock: the example checks t against its own.
        _services = TestServices.Create(_db, TimeProvider.System, configure: s => s.AddOutboundWebhooks());
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static string ReadmeExample()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "README.md")))
        {
            folder = folder.Parent;
        }
        var readme = File.ReadAllText(Path.Combine(folder!.FullName, "README.md"));
        var section = readme[readme.IndexOf("## Webhooks out", StringComparison.Ordinal)..];
        return Regex.Match(section, "```python\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
    }

    private static async Task<string> VerifyAsync(string example, string body, string header, string secret)
    {
        var folder = Directory.CreateTempSubdirectory("webhook-receiver-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "body.json"), body);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "check.py"), example + """

                import sys
                print(verify(open(sys.argv[1], "rb").read(), sys.argv[2], sys.argv[3]))
                """);
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.FullName };
            foreach (var argument in new[] { "check.py", "body.json", header, secret })
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, error);
            return output.Trim();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ReadmeReceiverExample_AcceptsARealDelivery_AndRefusesATamperedOneOrAnotherSecret()
    {
        var webhooks = _services.Get<OutboundWebhookService>();
        var id = (await webhooks.CreateAsync(new WebhookSubscriptionInput(_receiver.Url, [WebhookEvents.OrderShipped], Secret), TestActors.Admin)).Id;
        await webhooks.SendTestAsync(id, TestActors.Admin);
        await _services.Get<OutboundWebhookSender>().SendDueAsync();
        var got = Assert.Single(_receiver.Received);
        var example = ReadmeExample();
        Assert.Contains("def verify", example);

        Assert.Equal("True", await VerifyAsync(example, got.Body, got.Signature!, Secret));
        Assert.Equal("False", await VerifyAsync(example, got.Body.Replace("test", "tost"), got.Signature!, Secret));
        Assert.Equal("False", await VerifyAsync(example, got.Body, got.Signature!, "whsec_someone-else's-secret"));
        var old = Regex.Replace(got.Signature!, @"t=(\d+)", m => $"t={long.Parse(m.Groups[1].Value) - 600}");
        Assert.Equal("False", await VerifyAsync(example, got.Body, old, Secret));
    }
}
