namespace BackorderDashboard.Domain;

/// <summary>
/// A shop site's origin as browsers send it in the <c>Origin</c> header: <c>scheme://host[:port]</c>, lower case, the
/// default port left out. The allowed list is compared with that header exactly, so each entry is normalised the same way.
/// </summary>
public static class StorefrontOrigin
{
    /// <summary>The origin written the way browsers send it, or null when the text is not a plain http(s) origin.</summary>
    public static string? Normalize(string? text)
    {
        // One trailing slash is how addresses are often copied from the address bar; anything more is a path.
        var trimmed = text?.Trim() ?? "";
        trimmed = trimmed.EndsWith('/') ? trimmed[..^1] : trimmed;
        var separator = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (separator < 1 || trimmed.Length > 300 || trimmed.Any(char.IsWhiteSpace)
            || trimmed[(separator + 3)..].IndexOfAny(['/', '\\', '?', '#', '@']) >= 0
            || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return null;
        }
        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }

    /// <summary>The text's lines, each one origin; blank lines are ignored.</summary>
    public static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    /// <summary>The valid origins of the text, normalised, each once.</summary>
    public static IReadOnlyList<string> Parse(string? text) =>
        Lines(text).Select(Normalize).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
}
