using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Hosting;

if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBackorderDashboard(builder.Configuration, builder.Environment);

var app = builder.Build();
app.MapBackorderDashboard();

await DatabaseSetup.InitializeAsync(app.Services);

app.Run();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
