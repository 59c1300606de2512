namespace BackorderDashboard.Hosting;

/// <summary>Options of the command-line tools: <c>--name value</c> pairs after the command's words.</summary>
public static class CommandOptions
{
    /// <summary>The value after the first <paramref name="name"/>, or null when it is missing.</summary>
    public static string? Single(string[] args, string name) => All(args, name).FirstOrDefault();

    /// <summary>The value after each <paramref name="name"/>, for an option that may be given more than once.</summary>
    public static IReadOnlyList<string> All(string[] args, string name) =>
        args.Select((arg, i) => (arg, i)).Where(a => a.arg == name && a.i + 1 < args.Length).Select(a => args[a.i + 1]).ToList();

    /// <summary>Whether a switch without a value is given.</summary>
    public static bool Has(string[] args, string name) => args.Contains(name);
}
