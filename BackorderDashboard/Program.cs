using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Hosting;

if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(args);
}

// `dotnet run`'s launch profile sets DOTNET_ENVIRONMENT=Development, which the host ranks above ASPNETCORE_ENVIRONMENT:
// an ASPNETCORE_ENVIRONMENT given explicitly (ASPNETCORE_ENVIRONMENT=Production dotnet run) is the one that counts.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } named
        && named != Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ? named : null,
});
builder.Services.AddBackorderDashboard(builder.Configuration, builder.Environment);

var app = builder.Build();
app.MapBackorderDashboard();

await DatabaseSetup.InitializeAsync(app.Services);

app.Run();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
