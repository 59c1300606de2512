using BackorderDashboard.Domain;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BackorderDashboard.Tests.Components;

/// <summary>The order page's items table: each line's status chip, its dates, and the cancel button the order desk gets.</summary>
public class OrderLinesTableTests : BunitTestContext
{
    private static readonly DateOnly Dec5 = new(2026, 12, 5);

    private static readonly OrderLineView Waiting = new(1, 3, "KET", "Kettle", 2, 1000, 0, 0, 0, 2, Dec5, Dec5.AddDays(2), 3, 4, false,
        LineStatus.Backordered, new WaitingOn(9, "PO-9", Dec5));

    private static readonly OrderLineView Shipped = new(2, 1, "MUG", "Mug", 1, 500, 0, 1, 0, 0, null, null, null, null, false, LineStatus.Shipped);

    private readonly List<OrderLineView> _cancelled = [];

    public OrderLinesTableTests()
    {
        // The purchase order a line waits on is a link for those who may open purchase orders.
        AddAuthorization().SetAuthorized("pat@example.com").SetPolicies(Policies.RestockRead);
    }

    private IRenderedComponent<OrderLinesTable> Render(bool canEdit) => Render<OrderLinesTable>(p => p
        .Add(t => t.Lines, new[] { Waiting, Shipped })
        .Add(t => t.Today, Dec5.AddDays(1))
        .Add(t => t.CanEdit, canEdit)
        .Add(t => t.OnCancel, EventCallback.Factory.Create<OrderLineView>(this, l => _cancelled.Add(l))));

    [Fact]
    public void Lines_ShowStatusPlaceDatesAndWhatTheyWaitOn()
    {
        var table = Render(canEdit: false);

        var status = table.Find("[data-testid=line-status-KET] .mud-chip");
        Assert.Equal("Backordered", status.TextContent.Trim());
        Assert.Contains("mud-chip-color-warning", status.ClassName);
        Assert.Contains("mud-chip-color-success", table.Find("[data-testid=line-status-MUG] .mud-chip").ClassName);
        Assert.Equal("3rd in line, 4 units ahead", table.Find("[data-testid=line-place-KET]").TextContent.Trim());
        Assert.Contains(MerchantClock.ShortDate(Dec5.AddDays(2)), table.Find("[data-testid=line-eta-KET]").TextContent);
        Assert.Equal("PO-9", table.Find("[data-testid=line-waits-on-KET] a").TextContent.Trim());
        Assert.Contains("late", table.Find("[data-testid=line-eta-KET]").TextContent);
        Assert.Contains("overdue", table.Find("[data-testid=line-waits-on-KET]").TextContent);
        Assert.Equal("–", table.Find("[data-testid=line-eta-MUG]").TextContent.Trim());
        Assert.Empty(table.FindAll("[data-testid^=cancel-line-]"));
    }

    [Fact]
    public void CancelButton_OnlyOpenLines_CallsBackWithTheLine()
    {
        var table = Render(canEdit: true);

        Assert.Single(table.FindAll("[data-testid^=cancel-line-]"));
        table.Find("[data-testid=cancel-line-KET]").Click();

        Assert.Equal([Waiting], _cancelled);
    }

    [Fact]
    public void ExpeditedAndCancelledLines_ShowTheExpeditedChip_AndWhatHappensToThePayment()
    {
        var expedited = Waiting with { Expedited = true };
        var cancelled = new OrderLineView(3, 2, "PLA", "Plate", 2, 1250, 0, 0, 2, 0, null, null, null, null, false, LineStatus.Cancelled);

        var table = Render<OrderLinesTable>(p => p.Add(t => t.Lines, new[] { expedited, Shipped, cancelled }));

        Assert.Equal("Expedited", table.Find("[data-testid=line-place-KET] [data-testid=expedited-chip]").TextContent.Trim());
        Assert.Single(table.FindAll("[data-testid=expedited-chip]"));
        Assert.Equal($"Nothing charged for the 2 cancelled units; the authorization for {Money.Format(2500)} is released.",
            table.Find("[data-testid=line-payment-PLA]").TextContent.Trim());
        Assert.Empty(table.FindAll("[data-testid=line-payment-KET]"));
    }
}
