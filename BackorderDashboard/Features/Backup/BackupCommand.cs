using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Hosting;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Backup;

/// <summary>
/// <c>backup --to FILE</c>: a consistent copy of the configured database, safe to take while the app runs
/// (<see cref="DatabaseBackup"/>). Prints where it wrote and how large the copy is.
/// </summary>
public static class BackupCommand
{
    public const string Usage = "usage: backup --to FILE";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (CommandOptions.Single(args, "--to") is not { Length: > 0 } destination)
        {
            await error.WriteLineAsync("Say where the backup goes with --to FILE.");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        await using var services = CommandLineServices.Build(args);
        var connection = await DatabaseBackup.ConnectionStringAsync(services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        var result = await DatabaseBackup.CreateAsync(connection, destination);
        await output.WriteLineAsync($"Backed up the database to {result.Path} ({Size(result.Bytes)}).");
        return 0;
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB, {bytes:N0} bytes"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB, {bytes:N0} bytes"),
    };
}
