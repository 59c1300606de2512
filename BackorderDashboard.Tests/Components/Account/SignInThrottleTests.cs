using BackorderDashboard.Components.Account;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Components.Account;

public class SignInThrottleTests
{
    private readonly FixedTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    private SignInThrottle Throttle() => new(_clock);

    [Fact]
    public void WrongPasswords_FromOneAddress_BlockThatAddressOnly_ForFifteenMinutes()
    {
        var throttle = Throttle();

        var failures = Enumerable.Range(0, SignInThrottle.FailuresPerAddress).Select(_ => throttle.Failed("owner", "203.0.113.1")).ToList();

        Assert.All(failures.Take(SignInThrottle.FailuresPerAddress - 1), f => Assert.False(f.AddressBlocked));
        Assert.True(failures[^1].AddressBlocked);
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.BlockedFor("owner", "203.0.113.1"));
        Assert.Null(throttle.BlockedFor("owner", "198.51.100.1"));
        Assert.Null(throttle.BlockedFor("someone-else", "203.0.113.1"));
        Assert.All(failures, f => Assert.Null(f.PauseAccountUntil));

        _clock.Now += TimeSpan.FromMinutes(15);
        Assert.Null(throttle.BlockedFor("owner", "203.0.113.1"));
    }

    [Fact]
    public void WrongPasswords_SpreadOverTheWindow_DoNotAddUp()
    {
        var throttle = Throttle();

        for (var i = 0; i < 3 * SignInThrottle.FailuresPerAddress; i++)
        {
            Assert.False(throttle.Failed("owner", "203.0.113.1").AddressBlocked);
            _clock.Now += SignInThrottle.AddressWindow / (SignInThrottle.FailuresPerAddress - 1);
        }
    }

    [Fact]
    public void RightPassword_ClearsThatAddressesCount()
    {
        var throttle = Throttle();
        for (var i = 0; i < SignInThrottle.FailuresPerAddress - 1; i++)
        {
            throttle.Failed("owner", "198.51.100.1");
        }

        throttle.Succeeded("owner", "198.51.100.1");

        Assert.False(throttle.Failed("owner", "198.51.100.1").AddressBlocked);
    }

    [Fact]
    public void WrongPasswords_FromManyAddresses_PauseTheAccount_ForTwoMinutesAtMost()
    {
        var throttle = Throttle();

        var failures = Enumerable.Range(0, SignInThrottle.FailuresPerAccount).Select(i => throttle.Failed("owner", $"203.0.113.{i}")).ToList();

        Assert.All(failures.Take(SignInThrottle.FailuresPerAccount - 1), f => Assert.Null(f.PauseAccountUntil));
        Assert.Equal(_clock.Now + TimeSpan.FromMinutes(2), failures[^1].PauseAccountUntil);
        Assert.All(failures, f => Assert.False(f.AddressBlocked));
        // The count starts again: one more failure right after does not lengthen the pause.
        Assert.Null(throttle.Failed("owner", "203.0.113.200").PauseAccountUntil);
    }
}
