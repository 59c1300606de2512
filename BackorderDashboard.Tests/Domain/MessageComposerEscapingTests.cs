using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

/// <summary>Names from the store's data reach the customer's e-mail as text, never as markup.</summary>
public class MessageComposerEscapingTests
{
    private const string Hostile = "<img src=x onerror=alert(1)> Pinecrest";

    [Fact]
    public void Html_HostileProductAndStoreName_AreEscaped_TextKeepsThemAsWritten()
    {
        var message = new OutboxMessage
        {
            Kind = MessageKind.Delay, ToEmail = "ann@example.com", Subject = $"Your {Hostile} kettle",
            BodyText = $"Your {Hostile} Kettle now ships around Dec 5.\n\n- {Hostile}\n- \"quoted\" & 'single'",
        };

        var mail = MessageComposer.Compose(message, "tok", "https://shop.example.com", "Kind regards,\n{StoreName}", "<script>alert(2)</script> Store");

        Assert.DoesNotContain("<img", mail.Html);
        Assert.DoesNotContain("<script", mail.Html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; Pinecrest Kettle", mail.Html);
        Assert.Contains("<li>&lt;img src=x onerror=alert(1)&gt; Pinecrest</li>", mail.Html);
        Assert.Contains("&quot;quoted&quot; &amp; &#39;single&#39;", mail.Html);
        Assert.Contains("&lt;script&gt;alert(2)&lt;/script&gt; Store", mail.Html);
        Assert.Contains($"Your {Hostile} Kettle now ships", mail.Text);
    }
}
