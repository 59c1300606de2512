using System.Diagnostics;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// The clock of an app under test: it starts at a fixed moment and runs on from there at the real pace (timeouts,
/// retries and "sent at" still move), so a date a test expects is the same on every run and cannot change at midnight.
/// A test may move it on (<see cref="Advance"/>) to see what happens later.
/// </summary>
public sealed class AppClock : TimeProvider
{
    /// <summary>Monday Nov 30 2026, 15:00 UTC (10:00 in New York, the demo store's time zone): a working day, mid-morning.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 30, 15, 0, 0, TimeSpan.Zero);

    private readonly Stopwatch _running = Stopwatch.StartNew();
    private long _advancedTicks;

    public AppClock(DateTimeOffset? start = null) => Start = start ?? DefaultStart;

    public DateTimeOffset Start { get; }

    public override DateTimeOffset GetUtcNow() => Start + _running.Elapsed + TimeSpan.FromTicks(Interlocked.Read(ref _advancedTicks));

    /// <summary>Moves the clock on (it keeps running from there).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _advancedTicks, by.Ticks);
}
