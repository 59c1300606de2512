using System.Globalization;

namespace BackorderDashboard.Components.Shared;

/// <summary>What was wrong with one parameter of an address, in words a user reads on the page (or an API client in problem details).</summary>
public sealed record QueryProblem(string Parameter, string Message);

/// <summary>
/// Reads the parameters of a page's address (query string or route) the same way on every page: a value that cannot
/// be read, or is out of its range, gives the page's default view and a short notice saying what was ignored and
/// what is shown instead. Addresses are typed, pasted, shortened and edited by hand, so a bad one must never break
/// the page (pages take their query parameters as text and read them here, never as typed parameters that throw).
/// An empty value counts as absent.
/// </summary>
public sealed class QueryParameters
{
    /// <summary>The longest free text (a search, a SKU, a name) an address may carry into a filter.</summary>
    public const int MaxTextLength = 200;

    private const int ShownLength = 40;
    private readonly List<QueryProblem> _problems = [];

    public IReadOnlyList<QueryProblem> Problems => _problems;

    public bool HasProblems => _problems.Count > 0;

    /// <summary>The id of a record (a category, a supplier, a purchase order): a whole number from 1 up, else null.</summary>
    public int? Id(string name, string? text, string what, string fallback) =>
        (int?)Whole(name, text, what, 1, int.MaxValue, fallback);

    /// <summary>The id of a record numbered beyond <see cref="int.MaxValue"/> (an outbox message).</summary>
    public long? LongId(string name, string? text, string what, string fallback) =>
        Whole(name, text, what, 1, long.MaxValue, fallback);

    /// <summary>A whole number between <paramref name="min"/> and <paramref name="max"/>, else null.</summary>
    public int? Number(string name, string? text, string what, int min, int max, string fallback) =>
        (int?)Whole(name, text, what, min, max, fallback);

    /// <summary>One of the named choices (names compared ignoring case), else null.</summary>
    public T? Choice<T>(string name, string? text, string what, IReadOnlyDictionary<string, T> choices, string fallback) where T : struct
    {
        if (Absent(text))
        {
            return null;
        }
        if (choices.TryGetValue(text!.Trim(), out var value))
        {
            return value;
        }
        Add(name, $"The {what} {Shown(text)} is not one of {string.Join(", ", choices.Keys.Distinct(StringComparer.OrdinalIgnoreCase))}; {fallback}.");
        return null;
    }

    /// <summary>One of the named words (compared ignoring case), as the list has it, else null.</summary>
    public string? Word(string name, string? text, string what, IReadOnlyCollection<string> words, string fallback)
    {
        if (Absent(text))
        {
            return null;
        }
        if (words.FirstOrDefault(w => string.Equals(w, text!.Trim(), StringComparison.OrdinalIgnoreCase)) is { } word)
        {
            return word;
        }
        Add(name, $"The {what} {Shown(text)} is not one of {string.Join(", ", words)}; {fallback}.");
        return null;
    }

    /// <summary>A member of <typeparamref name="TEnum"/> by its name (ignoring case; numbers are not names), else null.</summary>
    public TEnum? Enum<TEnum>(string name, string? text, string what, string fallback) where TEnum : struct, Enum =>
        Choice(name, text, what, Names<TEnum>(), fallback);

    /// <summary>The names of an enum's members, lower case, for <see cref="Choice{T}"/>.</summary>
    public static IReadOnlyDictionary<string, TEnum> Names<TEnum>() where TEnum : struct, Enum =>
        System.Enum.GetValues<TEnum>().ToDictionary(v => v.ToString().ToLowerInvariant(), v => v, StringComparer.OrdinalIgnoreCase);

    /// <summary>A yes/no switch: "true"/"false", "1"/"0", "yes"/"no"; anything else is <paramref name="default"/>.</summary>
    public bool Flag(string name, string? text, string what, bool @default = false)
    {
        if (Absent(text))
        {
            return @default;
        }
        switch (text!.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                Add(name, $"The {what} switch {Shown(text)} is neither true nor false; showing it {(@default ? "on" : "off")}.");
                return @default;
        }
    }

    /// <summary>A calendar day written yyyy-MM-dd between <paramref name="min"/> and <paramref name="max"/>, else null.</summary>
    public DateOnly? Date(string name, string? text, string what, DateOnly min, DateOnly max, string fallback)
    {
        if (Absent(text))
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            Add(name, $"The {what} {Shown(text)} is not a date (year-month-day, e.g. 2026-03-31); {fallback}.");
            return null;
        }
        if (day < min || day > max)
        {
            Add(name, $"The {what} {Shown(text)} is outside {Day(min)} – {Day(max)}; {fallback}.");
            return null;
        }
        return day;
    }

    /// <summary>Free text, trimmed, at most <paramref name="maxLength"/> characters and without control characters; else null.</summary>
    public string? Text(string name, string? text, string what, string fallback, int maxLength = MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var trimmed = text.Trim();
        if (trimmed.Length > maxLength)
        {
            Add(name, $"The {what} is longer than {maxLength.ToString("N0", CultureInfo.InvariantCulture)} characters; {fallback}.");
            return null;
        }
        if (trimmed.Any(char.IsControl))
        {
            Add(name, $"The {what} {Shown(trimmed)} contains characters that cannot be searched for; {fallback}.");
            return null;
        }
        return trimmed;
    }

    /// <summary>A problem the page found itself (e.g. a purchase order that exists but is not open).</summary>
    public void Add(string name, string message) => _problems.Add(new QueryProblem(name, message));

    /// <summary>The problems of one parameter, for a field's error text.</summary>
    public string? MessageFor(params string[] names)
    {
        var messages = _problems.Where(p => names.Contains(p.Parameter, StringComparer.Ordinal)).Select(p => p.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>A value as a notice quotes it: short, on one line, control characters shown as '?'.</summary>
    public static string Shown(string? text)
    {
        var value = new string((text ?? "").Trim().Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return $"‘{(value.Length > ShownLength ? value[..ShownLength] + "…" : value)}’";
    }

    private long? Whole(string name, string? text, string what, long min, long max, string fallback)
    {
        if (Absent(text))
        {
            return null;
        }
        var trimmed = text!.Trim();
        if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            var tooLong = trimmed.Length > 1 && trimmed.TrimStart('-').All(char.IsAsciiDigit);
            Add(name, tooLong
                ? $"The {what} {Shown(trimmed)} is too large; {fallback}."
                : $"The {what} {Shown(trimmed)} is not a number; {fallback}.");
            return null;
        }
        if (value < min || value > max)
        {
            var unbounded = max is int.MaxValue or long.MaxValue;
            Add(name, value > max && unbounded
                ? $"The {what} {Shown(trimmed)} is too large; {fallback}."
                : $"The {what} {Shown(trimmed)} is not a whole number from {min.ToString(CultureInfo.InvariantCulture)}"
                  + (unbounded ? " up" : $" to {max.ToString(CultureInfo.InvariantCulture)}") + $"; {fallback}.");
            return null;
        }
        return value;
    }

    private static bool Absent(string? text) => string.IsNullOrWhiteSpace(text);

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
