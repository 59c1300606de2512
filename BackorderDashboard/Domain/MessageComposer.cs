using System.Text;
using System.Text.RegularExpressions;
using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>A message as the customer receives it: subject, plain text and HTML with the same words and links.</summary>
public sealed record ComposedMessage(string Subject, string Text, string Html, string? TrackingUrl, string? CancelUrl);

/// <summary>
/// Turns a stored message into the e-mail: the body as written, then the customer's tracking link (and, for a delay,
/// the link that lets them cancel the delayed item), then the signature with the store's name, which also ends the
/// subject; the HTML part says exactly the same. The outbox page shows this very output, so what support reads is what
/// the customer got.
/// </summary>
public static partial class MessageComposer
{
    /// <summary>Where a configured signature wants the store's name; a signature without it gets the name as its last line.</summary>
    public const string StoreNamePlaceholder = "{StoreName}";

    /// <summary>The e-mail's subject: the message's own, then the store's name, so the customer knows who writes at a glance.</summary>
    public static string Subject(string subject, string storeName) => $"{subject} · {storeName}";

    /// <summary>The signature with the store's name in it.</summary>
    public static string Signature(string signature, string storeName) => signature.Contains(StoreNamePlaceholder, StringComparison.Ordinal)
        ? signature.Replace(StoreNamePlaceholder, storeName, StringComparison.Ordinal)
        : $"{signature.TrimEnd()}\n{storeName}";

    public static ComposedMessage Compose(OutboxMessage message, string? trackingToken, string publicBaseUrl, string signature, string storeName)
    {
        signature = Signature(signature, storeName);
        var baseUrl = publicBaseUrl.TrimEnd('/');
        var tracking = trackingToken is null ? null : $"{baseUrl}/track/{trackingToken}";
        var cancel = tracking is not null && message.Kind == MessageKind.Delay && message.OrderLineId is { } lineId ? $"{tracking}#line-{lineId}" : null;

        var text = new StringBuilder(message.BodyText.TrimEnd()).Append("\n\n");
        if (cancel is not null)
        {
            text.Append("Cancel this item: ").Append(cancel).Append('\n');
        }
        if (tracking is not null)
        {
            text.Append("Follow your order any time: ").Append(tracking).Append('\n');
        }
        text.Append('\n').Append(signature).Append('\n');

        var html = new StringBuilder("""<div style="font-family: -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #222; max-width: 560px">""");
        foreach (var block in Blocks(message.BodyText))
        {
            html.Append(block);
        }
        if (cancel is not null || tracking is not null)
        {
            html.Append("<p>");
            if (tracking is not null)
            {
                html.Append(Button(tracking, "Follow your order", "#1e5aa8"));
            }
            if (cancel is not null)
            {
                html.Append(' ').Append(Button(cancel, "Cancel this item", "#8a4b00"));
            }
            html.Append("</p>");
        }
        html.Append("<p style=\"color: #666\">").Append(Escape(signature).Replace("\n", "<br>")).Append("</p></div>");
        return new ComposedMessage(Subject(message.Subject, storeName), text.ToString(), html.ToString(), tracking, cancel);
    }

    /// <summary>Paragraphs split on blank lines; runs of "- " lines become a list; line breaks kept; links made clickable.</summary>
    private static IEnumerable<string> Blocks(string body)
    {
        foreach (var paragraph in body.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var lines = paragraph.Split('\n');
            if (lines.All(l => l.StartsWith("- ", StringComparison.Ordinal)))
            {
                yield return "<ul>" + string.Concat(lines.Select(l => $"<li>{Inline(l[2..])}</li>")) + "</ul>";
            }
            else
            {
                yield return "<p>" + string.Join("<br>", lines.Select(Inline)) + "</p>";
            }
        }
    }

    private static string Inline(string text)
    {
        var escaped = Escape(text);
        return UrlPattern().Replace(escaped, m => $"<a href=\"{m.Value}\">{m.Value}</a>");
    }

    private static string Button(string url, string label, string colour) =>
        $"<a href=\"{Escape(url)}\" style=\"display: inline-block; padding: 8px 16px; border-radius: 4px; background: {colour}; color: #fff; text-decoration: none\">{Escape(label)}</a>";

    /// <summary>The five characters HTML gives meaning to; everything else stays as written (the part is UTF-8).</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex UrlPattern();
}
