using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime;

/// <summary>
/// The measuring end of <see cref="BackorderDashboard.Tests.Benchmarks.MemoryPerPageBenchmark"/>, loaded into the app's
/// own server process as a .NET startup hook (<c>DOTNET_STARTUP_HOOKS</c>), so the app runs exactly as built, with no
/// endpoint of the product's for this. The runtime looks for a class of this name outside any namespace.
/// On a line <c>measure</c> on standard input it runs full blocking, compacting collections and answers one line
/// <c>memory-probe LIVE HEAP WORKINGSET ACTIVE CONNECTED</c> (bytes, bytes, bytes, circuits in memory, circuits
/// connected); on <c>circuits</c> it answers the same without collecting (the byte figures then 0).
/// </summary>
internal static class StartupHook
{
    public const string Prefix = "memory-probe";

    private const string CircuitMeter = "Microsoft.AspNetCore.Components.Server.Circuits";

    private static long _activeCircuits;
    private static long _connectedCircuits;
    private static MeterListener? _listener;

    public static void Initialize()
    {
        // Blazor counts its circuits itself (.NET 10 metrics): up-down counters whose measurements are the changes.
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CircuitMeter && instrument.Name is "aspnetcore.components.circuit.active" or "aspnetcore.components.circuit.connected")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, change, _, _) =>
        {
            if (instrument.Name == "aspnetcore.components.circuit.active")
            {
                Interlocked.Add(ref _activeCircuits, change);
            }
            else
            {
                Interlocked.Add(ref _connectedCircuits, change);
            }
        });
        _listener.Start();
        new Thread(Listen) { IsBackground = true, Name = "memory probe" }.Start();
    }

    private static void Listen()
    {
        while (Console.In.ReadLine() is { } line)
        {
            var answer = line.Trim() switch
            {
                "measure" => Measure(),
                "circuits" => Figures(0, 0, 0),
                _ => null,
            };
            if (answer is not null)
            {
                Console.Out.WriteLine(answer);
                Console.Out.Flush();
            }
        }
    }

    private static string Measure()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return Figures(GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes, process.WorkingSet64);
    }

    private static string Figures(long live, long heap, long workingSet) => string.Join(' ', Prefix,
        live.ToString(CultureInfo.InvariantCulture), heap.ToString(CultureInfo.InvariantCulture), workingSet.ToString(CultureInfo.InvariantCulture),
        Interlocked.Read(ref _activeCircuits).ToString(CultureInfo.InvariantCulture), Interlocked.Read(ref _connectedCircuits).ToString(CultureInfo.InvariantCulture));
}
