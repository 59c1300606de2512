using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

public class LeadTimesTests
{
    private static readonly LeadTimeRange History = new(9, 15);

    [Fact]
    public void Choose_ProductLeadTimeSet_WinsOverHistoryAndQuote()
    {
        var choice = LeadTimes.Choose(5, 14, History);
        Assert.Equal((LeadTimeRange.FromQuote(5), LeadTimeSource.Product), (choice.Range!.Value, choice.Source));
        Assert.Equal(5, choice.TypicalDays);
    }

    [Fact]
    public void Choose_NoProductLeadTime_SupplierHistoryBeforeItsQuote() =>
        Assert.Equal(new LeadTimeChoice(History, LeadTimeSource.SupplierHistory), LeadTimes.Choose(null, 14, History));

    [Fact]
    public void Choose_NoHistory_SupplierQuote() =>
        Assert.Equal(new LeadTimeChoice(LeadTimeRange.FromQuote(14), LeadTimeSource.SupplierQuote), LeadTimes.Choose(null, 14, null));

    [Theory]
    [InlineData(0, 14)]
    [InlineData(null, 0)]
    public void Choose_NothingKnown_NoEstimate(int? product, int quote)
    {
        var choice = LeadTimes.Choose(product, quote, History);
        Assert.Equal(LeadTimeSource.None, choice.Source);
        Assert.Null(choice.Range);
        Assert.Equal(0, choice.TypicalDays);
    }
}
