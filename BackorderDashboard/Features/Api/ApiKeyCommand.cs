using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Hosting;

namespace BackorderDashboard.Features.Api;

/// <summary>
/// <c>api-key create --name NAME --scope SCOPE [--scope SCOPE ...]</c>: a key for a scripted set-up, made by
/// <see cref="ApiKeyService"/> as on the API keys page. The new key is printed alone on the last line of the output,
/// so a script can take it with <c>tail -n 1</c>; it is not kept anywhere but as its hash.
/// </summary>
public static class ApiKeyCommand
{
    public static readonly string Usage = $"usage: api-key create --name NAME --scope SCOPE [--scope SCOPE ...]  (scopes: {string.Join(", ", Access.Scopes.All)})";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[1] != "create")
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        var name = CommandOptions.Single(args, "--name");
        var scopes = CommandOptions.All(args, "--scope").ToList();
        if (string.IsNullOrWhiteSpace(name) || scopes.Count == 0)
        {
            await error.WriteLineAsync(string.IsNullOrWhiteSpace(name) ? "Name the key with --name." : "Give at least one scope with --scope.");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        await using var services = CommandLineServices.Build(args);
        await DatabaseSetup.PrepareAsync(services);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(name, scopes, Actor.SystemVia(ActorChannel.CommandLine));
        if (!result.Succeeded)
        {
            foreach (var reason in result.Errors.Values)
            {
                await error.WriteLineAsync(reason);
            }
            return 1;
        }
        await output.WriteLineAsync($"Created API key {name.Trim()} with {string.Join(", ", Access.Scopes.All.Where(scopes.Contains))}. It is shown this once:");
        await output.WriteLineAsync(result.Key);
        return 0;
    }
}
