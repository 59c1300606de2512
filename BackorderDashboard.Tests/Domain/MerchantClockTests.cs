using System.Globalization;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Domain;

public class MerchantClockTests
{
    [Fact]
    public void Today_IsTheMerchantsCalendarDay_NotUtcs()
    {
        // 03:00 UTC on Nov 22 is still the evening of Nov 21 in New York.
        var time = new FixedTimeProvider(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero));
        var clock = new MerchantClock(time, MerchantClock.FindZone("America/New_York"));

        Assert.Equal(new DateOnly(2026, 11, 21), clock.Today);
        Assert.Equal(new DateTime(2026, 11, 21, 5, 0, 0, DateTimeKind.Utc), clock.StartOfDayUtc(clock.Today));
    }

    [Theory]
    [InlineData("en-US", "Dec 5")]
    [InlineData("en-GB", "5 Dec")]
    public void ShortDate_FollowsTheCulture(string culture, string expected)
    {
        Assert.Equal(expected, MerchantClock.ShortDate(new DateOnly(2026, 12, 5), CultureInfo.GetCultureInfo(culture)));
    }

    [Fact]
    public void FindZone_UnknownId_FallsBackToUtc()
    {
        Assert.Equal(TimeZoneInfo.Utc, MerchantClock.FindZone("Mars/Olympus_Mons"));
    }
}
