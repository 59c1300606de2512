using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Restock;
using MudBlazor;

namespace BackorderDashboard.Tests.Features.Restock;

public class PurchaseOrderPresenterTests
{
    private static readonly DateOnly Dec5 = new(2026, 12, 5);

    private static ImpactLine Moved(string order, int days, bool late = false) => new(order, "Ada", "KET", Dec5, Dec5.AddDays(days), late);

    [Fact]
    public void Summary_CountsLinesOrdersAndDirection_WithTheLongestDelay()
    {
        var impact = new PoImpact(true, "Date changed.", [Moved("A1", 4, late: true), Moved("A1", 2), Moved("A2", -1)]);

        Assert.Equal("3 waiting lines of 2 orders move: 2 later (up to 4 days), 1 earlier.", PurchaseOrderPresenter.Summary(impact));
        Assert.Equal("0 waiting lines of 0 orders move: 0 later, 0 earlier.", PurchaseOrderPresenter.Summary(new PoImpact(true, "", [])));
    }

    [Fact]
    public void MostAffected_BecomingLateFirst_ThenTheFurthestMoved()
    {
        var impact = new PoImpact(true, "", [Moved("A1", 1), Moved("A2", 9), Moved("A3", 2, late: true)]);

        Assert.Equal(["A3", "A2", "A1"], PurchaseOrderPresenter.MostAffected(impact).Select(l => l.OrderNumber));
        Assert.Equal(["A3"], PurchaseOrderPresenter.MostAffected(impact, 1).Select(l => l.OrderNumber));
    }

    [Fact]
    public void Moved_ShowsBothDatesAndTheSignedDays()
    {
        string Day(int offset) => MerchantClock.ShortDate(Dec5.AddDays(offset));
        Assert.Equal($"{Day(0)} → {Day(3)} (+3 d)", PurchaseOrderPresenter.Moved(Moved("A1", 3)));
        Assert.Equal($"{Day(0)} → {Day(-2)} (-2 d)", PurchaseOrderPresenter.Moved(Moved("A1", -2)));
        Assert.Equal($"unknown → {Day(0)} (0 d)", PurchaseOrderPresenter.Moved(new ImpactLine("A1", "Ada", "KET", null, Dec5, false)));
    }

    [Fact]
    public void Saved_CountsMovedLinesAndDelayMessages_ARefusalStaysOutOfTheSnackbar()
    {
        var saved = PurchaseOrderPresenter.Saved(new PoImpact(true, "Expected date changed.", [Moved("A1", 4, late: true), Moved("A2", 1)]));

        Assert.Equal("Expected date changed. 2 waiting lines moved, 1 delay message queued.", saved?.Message);
        Assert.Equal(Severity.Success, saved?.Severity);
        Assert.Equal("Cancelled. 0 waiting lines moved.", PurchaseOrderPresenter.Saved(new PoImpact(true, "Cancelled.", []))?.Message);
        Assert.Null(PurchaseOrderPresenter.Saved(PoImpact.Fail("Someone changed this purchase order a moment ago.")));
    }

    [Fact]
    public void Placed_SuccessCountsEarlierDates_RefusalIsAWarning()
    {
        var placed = PurchaseOrderPresenter.Placed(new PoImpact(true, "Placed.", [Moved("A1", -3)]));
        var refused = PurchaseOrderPresenter.Placed(PoImpact.Fail("Only a draft can be placed."));

        Assert.Equal(("Placed. 1 waiting line gets an earlier date.", Severity.Success), (placed.Message, placed.Severity));
        Assert.Equal(("Only a draft can be placed.", Severity.Warning), (refused.Message, refused.Severity));
    }

    [Theory]
    [InlineData(PurchaseOrderStatus.Draft, Color.Default)]
    [InlineData(PurchaseOrderStatus.Ordered, Color.Info)]
    [InlineData(PurchaseOrderStatus.PartiallyReceived, Color.Warning)]
    [InlineData(PurchaseOrderStatus.Received, Color.Success)]
    [InlineData(PurchaseOrderStatus.Cancelled, Color.Default)]
    public void StatusColor_EachStatus(PurchaseOrderStatus status, Color colour) =>
        Assert.Equal(colour, PurchaseOrderPresenter.StatusColor(status));
}
