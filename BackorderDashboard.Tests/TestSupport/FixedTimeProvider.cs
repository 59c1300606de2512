namespace BackorderDashboard.Tests.TestSupport;

/// <summary>A clock that says what the test says, so "today" in the demo data and the ETA walk is known.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
