using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

public class CsvTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\tTabbed", "'\tTabbed")]
    [InlineData("\rReturn", "\"'\rReturn\"")]
    [InlineData("Pinecrest Audio", "Pinecrest Audio")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("", "")]
    public void TextCell_StartingLikeAFormula_GetsALeadingApostrophe(string value, string written)
    {
        Assert.Equal(written, Csv.Field(CsvCell.Text(value)));
    }

    [Theory]
    [InlineData("-3", "-3")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("42", "42")]
    [InlineData("", "")]
    public void NumberCell_NegativeNumber_StaysANumber(string value, string written)
    {
        Assert.Equal(written, Csv.Field(CsvCell.Numeric(value)));
    }

    [Theory]
    [InlineData("-1+cmd", "'-1+cmd")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("1e5", "1e5")]
    public void NumberColumn_ValueThatIsNoNumber_IsWrittenAsNeutralisedText(string value, string written)
    {
        Assert.Equal(written, Csv.Field(CsvCell.Numeric(value)));
    }

    [Fact]
    public void Write_TypedNumbers_AreInvariant_AndRowsEndInCrLf()
    {
        var csv = Csv.Write(["Name", "Units", "Money"], [[CsvCell.Text("-Sale"), CsvCell.Number(-4), CsvCell.Number(-1234.5m)]]);

        Assert.Equal("Name,Units,Money\r\n'-Sale,-4,-1234.5\r\n", csv);
    }
}
