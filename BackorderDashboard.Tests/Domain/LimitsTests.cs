using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Domain;

/// <summary>The one e-mail rule and the date range every form shares.</summary>
public class LimitsTests
{
    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("ada.lovelace+orders@mail.example.co.uk")]
    [InlineData(" ada@example.com ")]
    public void EmailRule_OrdinaryAddress_IsValid(string email) => Assert.Null(Limits.EmailProblem(email));

    [Fact]
    public void EmailRule_EveryBadAddress_IsRefusedWithAReason()
    {
        foreach (var email in BadInputs.Emails)
        {
            Assert.False(string.IsNullOrWhiteSpace(Limits.EmailProblem(email)), $"“{email}” was taken for an e-mail address.");
        }
        Assert.Contains("at most 254", Limits.EmailProblem(BadInputs.LongText + "@example.com"));
    }

    [Fact]
    public void DateRange_YearsFarOff_AreRefused_TheNextYearsAreNot()
    {
        var today = new DateOnly(2026, 11, 22);

        Assert.NotNull(Limits.DateProblem(new DateOnly(1100, 1, 1), today));
        Assert.NotNull(Limits.DateProblem(new DateOnly(9999, 12, 31), today));
        Assert.NotNull(Limits.DateProblem(today.AddYears(Limits.YearsAhead).AddDays(1), today));
        Assert.Null(Limits.DateProblem(today.AddYears(Limits.YearsAhead), today));
        Assert.Null(Limits.DateProblem(today.AddDays(14), today));
    }
}
