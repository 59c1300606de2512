using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;

namespace BackorderDashboard.Tests.Components;

/// <summary>How a page reads its address: each value that cannot be read gives the default and one notice naming it.</summary>
public class QueryParametersTests
{
    [Theory]
    [InlineData("abc", "The category ‘abc’ is not a number; showing every category.")]
    [InlineData("2147483648", "The category ‘2147483648’ is too large; showing every category.")]
    [InlineData("9223372036854775808", "The category ‘9223372036854775808’ is too large; showing every category.")]
    [InlineData("-1", "The category ‘-1’ is not a whole number from 1 up; showing every category.")]
    [InlineData("0", "The category ‘0’ is not a whole number from 1 up; showing every category.")]
    [InlineData("1.5", "The category ‘1.5’ is not a number; showing every category.")]
    public void Id_Unreadable_IsNull_WithANoticeNamingTheValue(string text, string notice)
    {
        var address = new QueryParameters();

        var id = address.Id("category", text, "category", "showing every category");

        Assert.Null(id);
        Assert.Equal(new QueryProblem("category", notice), Assert.Single(address.Problems));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Id_Absent_IsNull_WithoutNotice(string? text)
    {
        var address = new QueryParameters();

        Assert.Null(address.Id("category", text, "category", "showing every category"));
        Assert.False(address.HasProblems);
    }

    [Fact]
    public void Readable_Values_AreReturned_WithoutNotice()
    {
        var address = new QueryParameters();

        Assert.Equal(2147483647, address.Id("po", "2147483647", "purchase order", "-"));
        Assert.Equal(9223372036854775807L, address.LongId("message", " 9223372036854775807 ", "message", "-"));
        Assert.Equal(OrderChannel.Phone, address.Enum<OrderChannel>("channel", "PHONE", "channel", "-"));
        Assert.True(address.Flag("late", "1", "late only"));
        Assert.Equal(new DateOnly(2026, 2, 28), address.Date("from", "2026-02-28", "start date", new(2000, 1, 1), new(2026, 12, 31), "-"));
        Assert.Equal("kettle", address.Text("q", "  kettle ", "search", "-"));
        Assert.False(address.HasProblems);
    }

    [Fact]
    public void Enum_UnknownName_OrNumber_ListsTheNames()
    {
        var address = new QueryParameters();

        Assert.Null(address.Enum<OrderChannel>("channel", "fax", "channel", "counting every channel"));
        Assert.Null(address.Enum<OrderChannel>("channel", "3", "channel", "counting every channel"));

        Assert.Equal("The channel ‘fax’ is not one of web, phone, email, api, import, shopify, woocommerce; counting every channel.", address.Problems[0].Message);
        Assert.Equal(2, address.Problems.Count);
    }

    [Theory]
    [InlineData("2026-02-30", "is not a date")]
    [InlineData("26-1-1", "is not a date")]
    [InlineData("1100-01-01", "is outside 1 Jan 2000 – 31 Dec 2026")]
    [InlineData("9999-12-31", "is outside 1 Jan 2000 – 31 Dec 2026")]
    public void Date_UnreadableOrOutOfRange_IsNull_WithANotice(string text, string says)
    {
        var address = new QueryParameters();

        Assert.Null(address.Date("from", text, "start date", new(2000, 1, 1), new(2026, 12, 31), "showing the last 90 days"));
        Assert.Contains(says, Assert.Single(address.Problems).Message);
    }

    [Fact]
    public void Text_TooLong_OrWithControlCharacters_IsNull_AndQuotedShort()
    {
        var address = new QueryParameters();

        Assert.Null(address.Text("q", new string('x', 5000), "search", "showing every product"));
        Assert.Null(address.Text("q", "ab\0c", "search", "showing every product"));

        Assert.Equal("The search is longer than 200 characters; showing every product.", address.Problems[0].Message);
        Assert.Equal("The search ‘ab?c’ contains characters that cannot be searched for; showing every product.", address.Problems[1].Message);
        Assert.Equal("‘" + new string('y', 40) + "…’", QueryParameters.Shown(new string('y', 5000)));
    }

    [Fact]
    public void Flag_NeitherTrueNorFalse_IsTheDefault_WithANotice()
    {
        var address = new QueryParameters();

        Assert.False(address.Flag("late", "maybe", "late only"));

        Assert.Equal("The late only switch ‘maybe’ is neither true nor false; showing it off.", Assert.Single(address.Problems).Message);
    }
}
