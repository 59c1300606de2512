using Microsoft.AspNetCore.Identity;

namespace BackorderDashboard.Data;

/// <summary>
/// Identity builds its tables from IdentityOptions; a context made outside the app's container (tools, tests)
/// gets this provider so it sees the same model as the app.
/// </summary>
internal static class IdentitySchemaSettings
{
    public static readonly IServiceProvider Provider = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = AppDbContext.IdentitySchema)
        .BuildServiceProvider();
}
