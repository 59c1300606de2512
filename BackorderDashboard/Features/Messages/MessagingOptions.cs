namespace BackorderDashboard.Features.Messages;

/// <summary>How messages to customers look and where their links point (section <c>Messages</c>).</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messages";

    /// <summary>The address customers reach the app at; tracking links in e-mails start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    public string FromAddress { get; set; } = "orders@example.com";

    public string FromName { get; set; } = "Customer service";

    /// <summary>The last lines of every message.</summary>
    public string Signature { get; set; } = "Kind regards,\nCustomer service";
}

public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise.</summary>
    Auto,
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>The mail server (section <c>Smtp</c>). Without a host nothing is sent: messages wait on the Outbox page.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>How often the dispatcher looks for messages due.</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>First retry after this long, then twice as long each time, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 30;

    public double MaxRetryDelaySeconds { get; set; } = 3600;

    /// <summary>After this many failed tries a message is marked failed and shown as such.</summary>
    public int MaxAttempts { get; set; } = 10;

    public int BatchSize { get; set; } = 50;

    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>How long a dispatcher's claim on a message holds; a crashed dispatcher's messages are picked up after it.</summary>
    public double ClaimSeconds { get; set; } = 300;

    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}
