using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;

namespace BackorderDashboard.Hosting;

/// <summary>
/// Where the keys that sign the sign-in cookie and the forms' antiforgery tokens are kept. Left in memory they would
/// change at every restart and sign everyone out; in a folder (<c>DataProtection:KeysFolder</c>, by default
/// <c>keys</c> beside the SQLite database) they last, and every instance given the same folder reads the others' cookies.
/// </summary>
public static class DataProtectionKeys
{
    public const string FolderKey = "DataProtection:KeysFolder";

    /// <summary>The name cookies are protected under: the same for every instance and every release of the app.</summary>
    public const string ApplicationName = "BackorderDashboard";

    /// <summary>The configured folder (a relative one from the content root), or <c>keys</c> beside the database file.</summary>
    public static string Folder(IConfiguration configuration, IHostEnvironment environment, string connectionString)
    {
        if (configuration[FolderKey] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(Path.Combine(environment.ContentRootPath, configured));
        }
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var databaseFolder = source is { Length: > 0 } && source != ":memory:" && Path.IsPathRooted(source)
            ? Path.GetDirectoryName(source)!
            : environment.ContentRootPath;
        return Path.Combine(databaseFolder, "keys");
    }

    public static IServiceCollection AddPersistedDataProtection(this IServiceCollection services, string folder)
    {
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        return services;
    }
}
