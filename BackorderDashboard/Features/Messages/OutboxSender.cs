using System.Net.Sockets;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BackorderDashboard.Features.Messages;

/// <summary>What one pass of the dispatcher did.</summary>
public sealed record DispatchResult(int Claimed, int Sent, int Retrying, int Failed);

/// <summary>
/// Sends the messages that are due, over SMTP. A message is first claimed (in one write transaction, so two
/// dispatchers never hold the same message), then sent, then marked sent straight after the server accepted it.
/// Every attempt uses the same Message-ID. A server that is down or answers "try later" leads to a retry with
/// growing delays; a server that refuses the message for good, or too many tries, marks it failed with the error,
/// for someone to look at on the Outbox page.
/// </summary>
public sealed class OutboxSender(
    IDbContextFactory<AppDbContext> dbFactory,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<MessagingOptions> messagingOptions,
    SettingsService settings,
    TimeProvider time,
    ILogger<OutboxSender> logger)
{
    /// <summary>This sender's name on the messages it claims (machine, process, instance).</summary>
    private readonly string _me = $"{Environment.MachineName[..Math.Min(20, Environment.MachineName.Length)]}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public SmtpOptions Smtp => smtpOptions.Value;

    /// <summary>Claims up to a batch of due messages and sends them on one connection.</summary>
    public async Task<DispatchResult> SendDueAsync(CancellationToken ct = default)
    {
        var smtp = smtpOptions.Value;
        if (smtp.Host is not { Length: > 0 } host)
        {
            return new(0, 0, 0, 0);
        }
        if (CleartextRefusal(smtp) is { } refusal)
        {
            // Nothing is claimed or counted as a try: the messages wait, each showing why, until the setting is fixed.
            await HoldDueAsync(refusal, ct);
            return new(0, 0, 0, 0);
        }
        var claimed = await ClaimAsync(smtp, ct);
        if (claimed.Count == 0)
        {
            return new(0, 0, 0, 0);
        }
        int sent = 0, retrying = 0, failed = 0;
        var messaging = messagingOptions.Value;
        var storeName = (await settings.GetAsync(ct)).StoreName;
        using var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        var index = 0;
        try
        {
            await client.ConnectAsync(host, smtp.Port, SocketOptions(smtp), ct);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                if (!client.IsSecure)
                {
                    // "Auto" with a server that offers no STARTTLS: the password would still go over the wire in clear.
                    throw new AuthenticationException($"The mail server {host}:{smtp.Port} offered no TLS; the user name and password are not sent "
                        + "over an unencrypted connection. Set Smtp:Security to StartTls or SslOnConnect.");
                }
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", ct);
            }
            for (; index < claimed.Count; index++)
            {
                var (message, token) = claimed[index];
                var messageId = MessageIdOf(message, messaging);
                if (Recipient(message.ToEmail) is not { } recipient)
                {
                    await GiveUpAsync(message.Id, $"“{message.ToEmail}” is not an e-mail address; correct the customer's address and send again.");
                    failed++;
                    continue;
                }
                try
                {
                    await client.SendAsync(Build(message, recipient, token, messageId, messaging, storeName), ct);
                }
                catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
                {
                    // Refused for good (unknown mailbox, rejected content): retrying would not help.
                    await GiveUpAsync(message.Id, $"Refused by the mail server: {(int)e.StatusCode} {e.Message}");
                    failed++;
                    continue;
                }
                catch (SmtpCommandException e)
                {
                    if (await RetryLaterAsync(message, $"The mail server asked to try later: {(int)e.StatusCode} {e.Message}", smtp))
                    {
                        retrying++;
                    }
                    else
                    {
                        failed++;
                    }
                    continue;
                }
                await MarkSentAsync(message.Id, messageId);
                sent++;
            }
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException
                                      or AuthenticationException or SslHandshakeException or TimeoutException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The server is unreachable or the connection broke: this message and the rest of the batch wait for a retry.
            logger.LogWarning("Sending messages failed: {Error}", e.Message);
            for (; index < claimed.Count; index++)
            {
                if (await RetryLaterAsync(claimed[index].Message, Describe(e, smtp), smtp))
                {
                    retrying++;
                }
                else
                {
                    failed++;
                }
            }
        }
        return new(claimed.Count, sent, retrying, failed);
    }

    /// <summary>
    /// Why the settings would send the mail server's password unencrypted (a user name with <c>Smtp:Security</c> None),
    /// or null. Such a sender refuses to send at all; the app warns at start.
    /// </summary>
    public static string? CleartextRefusal(SmtpOptions smtp) =>
        smtp.Security == SmtpSecurity.None && !string.IsNullOrEmpty(smtp.UserName)
            ? $"Not sent: Smtp:UserName is set but Smtp:Security is None, so the password would cross the network unencrypted. "
              + "Set Smtp:Security to StartTls or SslOnConnect (or Auto with a server that offers TLS)."
            : null;

    /// <summary>Writes the reason on every message due, leaving each waiting as it was.</summary>
    private async Task HoldDueAsync(string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Outbox.Where(m => m.State == MessageState.Pending && (m.NextAttemptAt == null || m.NextAttemptAt <= now) && m.LastError != reason)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, reason), ct);
    }

    /// <summary>The address as a mailbox, or null unless it has a name and a domain ("ann@example.com").</summary>
    public static MailboxAddress? Recipient(string address)
    {
        if (!MailboxAddress.TryParse(address, out var mailbox))
        {
            return null;
        }
        var at = mailbox.Address.IndexOf('@');
        return at > 0 && at < mailbox.Address.Length - 1 ? mailbox : null;
    }

    /// <summary>The Message-ID of a message, the same on every attempt.</summary>
    public static string MessageIdOf(OutboxMessage message, MessagingOptions messaging)
    {
        var at = messaging.FromAddress.LastIndexOf('@');
        var domain = at >= 0 ? messaging.FromAddress[(at + 1)..] : "localhost";
        return $"outbox-{message.Id}-{message.CreatedAt.Ticks}@{domain}";
    }

    /// <summary>Delay before retry number <paramref name="attempts"/> (1 = after the first failure).</summary>
    public static TimeSpan RetryDelay(int attempts, SmtpOptions smtp) =>
        TimeSpan.FromSeconds(Math.Min(smtp.MaxRetryDelaySeconds, smtp.RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));

    private async Task<List<(OutboxMessage Message, string? Token)>> ClaimAsync(SmtpOptions smtp, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            var ids = await db.Outbox
                .Where(m => (m.State == MessageState.Pending && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
                    || (m.State == MessageState.Sending && m.ClaimedUntil < now))
                .OrderBy(m => m.Id).Select(m => m.Id).Take(smtp.BatchSize).ToListAsync(ct);
            if (ids.Count == 0)
            {
                return [];
            }
            var until = now.AddSeconds(smtp.ClaimSeconds);
            await db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, MessageState.Sending)
                .SetProperty(m => m.ClaimedBy, _me)
                .SetProperty(m => m.ClaimedUntil, until)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            await tx.CommitAsync(ct);
        }
        return (await db.Outbox.AsNoTracking().Where(m => m.ClaimedBy == _me && m.State == MessageState.Sending).OrderBy(m => m.Id)
                .Select(m => new { Message = m, Token = m.Order != null ? m.Order.TrackingToken : null }).ToListAsync(ct))
            .Select(x => (x.Message, x.Token)).ToList();
    }

    private static MimeMessage Build(OutboxMessage message, MailboxAddress recipient, string? token, string messageId, MessagingOptions messaging,
        string storeName)
    {
        var composed = MessageComposer.Compose(message, token, messaging.PublicBaseUrl, messaging.Signature, storeName);
        var mime = new MimeMessage { Subject = composed.Subject, MessageId = messageId, Date = new DateTimeOffset(message.CreatedAt, TimeSpan.Zero) };
        mime.From.Add(new MailboxAddress(messaging.FromName, messaging.FromAddress));
        mime.To.Add(recipient);
        mime.Body = new BodyBuilder { TextBody = composed.Text, HtmlBody = composed.Html }.ToMessageBody();
        return mime;
    }

    private async Task MarkSentAsync(long id, string messageId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        // Recorded even when the caller is stopping: the server has the message, it must not be sent again.
        await db.Outbox.Where(m => m.Id == id && m.ClaimedBy == _me).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, MessageState.Sent)
            .SetProperty(m => m.SentAt, now)
            .SetProperty(m => m.MessageId, messageId)
            .SetProperty(m => m.ClaimedBy, (string?)null)
            .SetProperty(m => m.ClaimedUntil, (DateTime?)null)
            .SetProperty(m => m.NextAttemptAt, (DateTime?)null)
            .SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
    }

    /// <summary>Back to pending with a later due time, or failed when out of tries; true when it will be retried.</summary>
    private async Task<bool> RetryLaterAsync(OutboxMessage message, string error, SmtpOptions smtp)
    {
        var attempts = message.Attempts; // read after the claim counted this attempt
        if (attempts >= smtp.MaxAttempts)
        {
            await GiveUpAsync(message.Id, $"{error} (gave up after {attempts} attempts)");
            return false;
        }
        var next = time.GetUtcNow().UtcDateTime + RetryDelay(attempts, smtp);
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Outbox.Where(m => m.Id == message.Id && m.ClaimedBy == _me).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, MessageState.Pending)
            .SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.LastError, Truncate(error))
            .SetProperty(m => m.ClaimedBy, (string?)null)
            .SetProperty(m => m.ClaimedUntil, (DateTime?)null), CancellationToken.None);
        return true;
    }

    private async Task GiveUpAsync(long id, string error)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Outbox.Where(m => m.Id == id && m.ClaimedBy == _me).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.State, MessageState.Failed)
            .SetProperty(m => m.LastError, Truncate(error))
            .SetProperty(m => m.NextAttemptAt, (DateTime?)null)
            .SetProperty(m => m.ClaimedBy, (string?)null)
            .SetProperty(m => m.ClaimedUntil, (DateTime?)null), CancellationToken.None);
    }

    private static string Describe(Exception e, SmtpOptions smtp) => e switch
    {
        SocketException s => $"Could not reach the mail server {smtp.Host}:{smtp.Port} ({s.SocketErrorCode}).",
        AuthenticationException when e.Message.Contains("Smtp:Security", StringComparison.Ordinal) => e.Message,
        AuthenticationException => $"The mail server {smtp.Host} did not accept the user name and password.",
        SslHandshakeException => $"TLS with the mail server {smtp.Host}:{smtp.Port} failed: {e.Message}",
        OperationCanceledException or TimeoutException => $"The mail server {smtp.Host}:{smtp.Port} did not answer in {smtp.TimeoutSeconds} s.",
        _ => $"The connection to the mail server {smtp.Host}:{smtp.Port} failed: {e.Message}",
    };

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];

    private static SecureSocketOptions SocketOptions(SmtpOptions smtp) => smtp.Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

/// <summary>Runs the sender while the app runs, when a mail server is configured.</summary>
public sealed class OutboxDispatcher(OutboxSender sender, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var smtp = sender.Smtp;
        if (!smtp.Configured)
        {
            logger.LogInformation("No mail server configured (Smtp:Host): messages to customers stay on the Outbox page.");
            return;
        }
        if (OutboxSender.CleartextRefusal(smtp) is { } refusal)
        {
            logger.LogWarning("E-mail to customers is not sent: {Reason}", refusal);
        }
        logger.LogInformation("Sending messages to customers through {Host}:{Port}.", smtp.Host, smtp.Port);
        while (!stoppingToken.IsCancellationRequested)
        {
            DispatchResult result;
            try
            {
                result = await sender.SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database was busy or gone for a moment: try again on the next tick.
                logger.LogError(e, "The message dispatcher failed; it tries again shortly.");
                result = new(0, 0, 0, 0);
            }
            if (result.Claimed < smtp.BatchSize)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(smtp.PollSeconds), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
