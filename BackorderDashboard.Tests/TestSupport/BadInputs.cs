namespace BackorderDashboard.Tests.TestSupport;

/// <summary>The values a careless or hostile user types into a field, for the sweeps over every form.</summary>
public static class BadInputs
{
    public static readonly string Long = new('7', 10_000);
    public static readonly string LongText = new('x', 10_000);
    public const string Script = "<script>alert(1)</script>";

    /// <summary>Text a number field must refuse (a required whole number from 1 up).</summary>
    public static readonly IReadOnlyList<string> Numbers =
    [
        "", "   ", "abc", "-1", "0", "1e20", "2147483648", "2147483647", "12,5", "1.5", "0x10", "١٢", Long, Script, "ada@", "1100-01-01", "9999-12-31",
    ];

    /// <summary>E-mail addresses the one e-mail rule refuses.</summary>
    public static readonly IReadOnlyList<string> Emails =
    [
        "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "ada @example.com", "Ada <ada@example.com>", "ada@example..com",
        Script, new string('a', 250) + "@example.com", LongText + "@example.com",
    ];
}
