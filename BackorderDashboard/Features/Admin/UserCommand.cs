using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Hosting;

namespace BackorderDashboard.Features.Admin;

/// <summary>
/// <c>user create --email EMAIL --role ROLE [--role ROLE] [--name NAME]</c>: an account made from the command line,
/// above all the first admin of a new install, which has nobody yet to create one on the Users page. The password is
/// one line of standard input (typed unseen at a terminal, or piped), so it never stands in the shell's history or the
/// process list. The account is made by <see cref="UserAdminService"/>, as on the Users page, with the same checks.
/// </summary>
public static class UserCommand
{
    public const string Usage = "usage: user create --email EMAIL --role Admin|Merchant|CustomerService|Manager [--role ...] [--name NAME]  (password on standard input)";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[1] != "create")
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        var email = CommandOptions.Single(args, "--email");
        var roles = CommandOptions.All(args, "--role")
            .Select(r => Roles.All.FirstOrDefault(known => known.Equals(r, StringComparison.OrdinalIgnoreCase)) ?? r).ToHashSet();
        if (string.IsNullOrWhiteSpace(email) || roles.Count == 0)
        {
            await error.WriteLineAsync(string.IsNullOrWhiteSpace(email) ? "Give the e-mail address with --email." : "Give at least one role with --role.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var password = ReadPassword(input, error, email);
        if (string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync("No password was given: type it, or pipe it in as one line on standard input.");
            return 1;
        }

        await using var services = CommandLineServices.Build(args);
        await DatabaseSetup.PrepareAsync(services);
        await using var scope = services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var result = await admin.CreateAsync(
            new NewUserInput { Email = email, Password = password, Roles = roles, DisplayName = CommandOptions.Single(args, "--name") },
            Actor.SystemVia(ActorChannel.CommandLine));
        if (!result.Succeeded)
        {
            foreach (var reason in result.Errors)
            {
                await error.WriteLineAsync(reason);
            }
            if (roles.Except(Roles.All).Any())
            {
                await error.WriteLineAsync($"Roles: {string.Join(", ", Roles.All)}.");
            }
            return 1;
        }
        await output.WriteLineAsync($"Created {email.Trim()} with the role{(roles.Count > 1 ? "s" : "")} {string.Join(", ", roles.Order())}; they can sign in now.");
        return 0;
    }

    /// <summary>
    /// One line of the input. At a terminal the keys are read unseen (nothing echoed, not even stars) after a prompt on
    /// the error stream, so the output stays free for scripts; piped input is read as it comes.
    /// </summary>
    private static string? ReadPassword(TextReader input, TextWriter error, string email)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected)
        {
            return input.ReadLine()?.TrimEnd('\r');
        }
        error.Write($"Password for {email.Trim()}: ");
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                error.WriteLine();
                return typed.ToString();
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
