using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BackorderDashboard.Features.Audit;

/// <summary>
/// The IP address of whoever this scope serves, for the audit log. An ordinary request reads it from its
/// <see cref="HttpContext"/>; an interactive page's circuit has no request of its own, so the address is captured
/// when the circuit opens (<see cref="CallerAddressCircuitHandler"/>) and kept for the circuit's life.
/// </summary>
public sealed class CallerAddress(IHttpContextAccessor accessor)
{
    private string? _captured;

    /// <summary>The client's address, or null outside the web (tests, the command line, background jobs).</summary>
    public string? Value => _captured ?? Read();

    /// <summary>Keeps the address of the request in flight (the circuit's connection) for the rest of the scope.</summary>
    public void Capture() => _captured ??= Read();

    private string? Read() => accessor.HttpContext?.Connection.RemoteIpAddress is { } ip
        ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()
        : null;
}

/// <summary>Captures the client's address when a circuit opens, while its connection's request is still at hand.</summary>
public sealed class CallerAddressCircuitHandler(CallerAddress address) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        address.Capture();
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        address.Capture();
        return Task.CompletedTask;
    }
}
