using BackorderDashboard.Data;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Messages;

/// <summary>A mail server user name with <c>Smtp:Security</c> None would send its password in clear: the sender refuses.</summary>
public class SmtpTlsGuardTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private long _messageId;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        await using var db = _db.CreateDbContext();
        var message = new OutboxMessage
        {
            Kind = MessageKind.Update, ToEmail = "ann@example.com", Subject = "About your order", BodyText = "Hello",
            CreatedAt = TestServices.DefaultNow.UtcDateTime, State = MessageState.Pending,
        };
        db.Outbox.Add(message);
        await db.SaveChangesAsync();
        _messageId = message.Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static Dictionary<string, string?> Smtp(string security, string? userName) => new()
    {
        // Nothing listens on port 9 here: a sender that tried to connect would record an unreachable server instead.
        ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = "9", ["Smtp:Security"] = security, ["Smtp:UserName"] = userName, ["Smtp:Password"] = "secret",
        ["Smtp:TimeoutSeconds"] = "2",
    };

    [Fact]
    public async Task UserNameWithoutTls_IsRefused_AndTheMessageStaysQueuedWithTheReason()
    {
        await using var services = TestServices.Create(_db, settings: Smtp("None", "mailer"));

        var result = await services.Get<OutboxSender>().SendDueAsync();

        Assert.Equal(0, result.Claimed);
        await using var db = _db.CreateDbContext();
        var message = await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == _messageId);
        Assert.Equal((MessageState.Pending, 0), (message.State, message.Attempts));
        Assert.Contains("Smtp:Security is None", message.LastError);
        Assert.Contains("unencrypted", message.LastError);
    }

    [Theory]
    [InlineData("None", null, false)]
    [InlineData("None", "mailer", true)]
    [InlineData("StartTls", "mailer", false)]
    [InlineData("SslOnConnect", "mailer", false)]
    [InlineData("Auto", "mailer", false)]
    public void CleartextRefusal_OnlyForAUserNameOverNoTls(string security, string? userName, bool refused) =>
        Assert.Equal(refused, OutboxSender.CleartextRefusal(new SmtpOptions { Security = Enum.Parse<SmtpSecurity>(security), UserName = userName }) is not null);
}
