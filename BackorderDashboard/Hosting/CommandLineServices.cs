using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackorderDashboard.Hosting;

/// <summary>
/// The app's services for a command-line tool, configured as the web app would be on the same machine:
/// <c>appsettings.json</c>, <c>appsettings.{Environment}.json</c>, environment variables and <c>--Key=value</c>
/// arguments, in that order, from the current folder (where <c>dotnet run</c> starts the app). The environment comes
/// from <c>ASPNETCORE_ENVIRONMENT</c> or <c>DOTNET_ENVIRONMENT</c> and is Production when neither is set.
/// </summary>
public static class CommandLineServices
{
    public static ServiceProvider Build(string[] args)
    {
        var contentRoot = Directory.GetCurrentDirectory();
        var environmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;
        var configuration = new ConfigurationBuilder()
            .SetBasePath(contentRoot)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environmentName}.json", optional: true)
            .AddEnvironmentVariables()
            // Only --Key=value settings: a command's own options (--email, --to) are not configuration.
            .AddCommandLine(args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')).ToArray())
            .Build();
        var services = BackorderDashboardServices.Standalone(configuration, environmentName, contentRoot);
        // A tool does its one job and ends: the web app's background work (sending mail, rollups, backups) is not its.
        services.RemoveAll<IHostedService>();
        return services.BuildServiceProvider();
    }
}
