using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Orders;
using MudBlazor;

namespace BackorderDashboard.Tests.Features.Orders;

public class OrderLinePresenterTests
{
    private static OrderLineView Line(LineStatus status, int qty = 2, int allocated = 0, int shipped = 0, int cancelled = 0, int unfilled = 0,
        DateOnly? eta = null) =>
        new(1, 1, "KET", "Kettle", qty, 1000, allocated, shipped, cancelled, unfilled, null, eta, null, null, false, status);

    [Theory]
    [InlineData(LineStatus.Backordered, "Backordered", Color.Warning)]
    [InlineData(LineStatus.HeldForRest, "Set aside, waiting for the rest", Color.Info)]
    [InlineData(LineStatus.ReadyToShip, "Ready to ship", Color.Info)]
    [InlineData(LineStatus.Shipped, "Shipped", Color.Success)]
    [InlineData(LineStatus.Cancelled, "Cancelled", Color.Default)]
    public void Status_EachLineStatus_HasItsWordAndColour(LineStatus status, string text, Color colour)
    {
        Assert.Equal(text, OrderLinePresenter.StatusText(status));
        Assert.Equal(colour, OrderLinePresenter.StatusColor(status));
    }

    [Fact]
    public void Breakdown_UnitsInSeveralStates_ListsEach_OneState_SaysNothing()
    {
        Assert.Equal("1 shipped · 2 waiting · 1 cancelled", OrderLinePresenter.Breakdown(Line(LineStatus.Backordered, qty: 4, shipped: 1, cancelled: 1, unfilled: 2)));
        Assert.Equal("", OrderLinePresenter.Breakdown(Line(LineStatus.Backordered, unfilled: 2)));
    }

    [Fact]
    public void Ships_WaitingUnitsShowTheEta_SetAsideIsBeingPacked_OtherwiseADash()
    {
        Assert.Equal(MerchantClock.ShortDate(new DateOnly(2026, 12, 5)), OrderLinePresenter.Ships(Line(LineStatus.Backordered, unfilled: 1, eta: new DateOnly(2026, 12, 5))));
        Assert.Equal("–", OrderLinePresenter.Ships(Line(LineStatus.Backordered, unfilled: 1)));
        Assert.Equal("being packed", OrderLinePresenter.Ships(Line(LineStatus.ReadyToShip, allocated: 2)));
        Assert.Equal("being packed", OrderLinePresenter.Ships(Line(LineStatus.HeldForRest, allocated: 2)));
        Assert.Equal("–", OrderLinePresenter.Ships(Line(LineStatus.Shipped, shipped: 2)));
    }

    [Fact]
    public void ShipPolicy_TheChipSaysTheCurrentOne_TheButtonOffersTheOther()
    {
        Assert.Equal("Ships complete", OrderLinePresenter.ShipPolicyText(ShipPolicy.ShipComplete));
        Assert.Equal("Ship each item when ready", OrderLinePresenter.SwitchShipPolicy(ShipPolicy.ShipComplete));
        Assert.Equal(ShipPolicy.ShipAvailable, OrderLinePresenter.Other(ShipPolicy.ShipComplete));
        Assert.Equal("Ships each item when ready", OrderLinePresenter.ShipPolicyText(ShipPolicy.ShipAvailable));
        Assert.Equal("Ship everything together", OrderLinePresenter.SwitchShipPolicy(ShipPolicy.ShipAvailable));
        Assert.Equal(ShipPolicy.ShipComplete, OrderLinePresenter.Other(ShipPolicy.ShipAvailable));
    }

    [Fact]
    public void Overdue_OnlyWhenThePurchaseOrderIsPastItsDate()
    {
        var waiting = new WaitingOn(7, "PO-7", new DateOnly(2026, 12, 5));
        Assert.True(OrderLinePresenter.Overdue(waiting, new DateOnly(2026, 12, 6)));
        Assert.False(OrderLinePresenter.Overdue(waiting, new DateOnly(2026, 12, 5)));
        Assert.False(OrderLinePresenter.Overdue(WaitingOn.LeadTime, new DateOnly(2026, 12, 6)));
    }
}
