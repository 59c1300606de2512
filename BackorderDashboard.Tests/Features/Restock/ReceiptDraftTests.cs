using BackorderDashboard.Data;
using BackorderDashboard.Features.Restock;

namespace BackorderDashboard.Tests.Features.Restock;

/// <summary>The receipt being counted on the receiving page: what a scan adds, what it refuses, and what is sent to the service.</summary>
public class ReceiptDraftTests
{
    private static readonly PurchaseOrderDetail Po = new(7, 1, "PO-7", 1, "Northwind", PurchaseOrderStatus.PartiallyReceived, null,
        new DateOnly(2026, 12, 5), null, null, null, false,
        [new PurchaseOrderLineView(1, "KET", "Kettle", 10, 4, 0, 3), new PurchaseOrderLineView(2, "MUG", "Mug", 5, 5, 0, 0)]);

    private readonly List<string> _lookedUp = [];

    private Task<(string Sku, string Name)?> Find(string sku)
    {
        _lookedUp.Add(sku);
        return Task.FromResult<(string, string)?>(sku.ToUpperInvariant() is "TEA" or "KET" ? (sku.ToUpperInvariant(), "Teapot") : null);
    }

    private static ReceiptDraft AgainstPo()
    {
        var draft = new ReceiptDraft();
        draft.Start(Po.Id, Po);
        return draft;
    }

    [Fact]
    public void Start_AgainstAPurchaseOrder_ListsItsLinesWithWhatIsStillToCome()
    {
        var draft = AgainstPo();

        Assert.Equal([("KET", 10, 4, 6, 0), ("MUG", 5, 5, 0, 0)],
            draft.Lines.Select(l => (l.Sku, l.Ordered ?? -1, l.ReceivedBefore ?? -1, l.ToCome ?? -1, l.Qty)));
        Assert.True(draft.AnythingToCome);
    }

    [Fact]
    public async Task Scan_ASkuAlreadyListed_AddsToItsLineInAnyCase_WithoutALookUp()
    {
        var draft = AgainstPo();

        var outcome = await draft.ScanAsync(" ket ", 2, Find);

        Assert.Equal(new ScanOutcome(true, null), outcome);
        Assert.Equal(2, draft.Lines.Single(l => l.Sku == "KET").Qty);
        Assert.Empty(_lookedUp);
    }

    [Fact]
    public async Task Scan_AProductNotOnThePurchaseOrder_IsListedWithAWarning()
    {
        var draft = AgainstPo();

        var outcome = await draft.ScanAsync("tea", 1, Find);

        Assert.True(outcome.Added);
        Assert.Equal("TEA is not on this purchase order; it is listed, but the receipt will be refused unless you remove it.", outcome.Message);
        Assert.Equal(("TEA", 1, null), (draft.Lines[^1].Sku, draft.Lines[^1].Qty, draft.Lines[^1].ToCome));
    }

    [Fact]
    public async Task Scan_AdHoc_AddsTheProductWithoutAWarning()
    {
        var draft = new ReceiptDraft();

        var outcome = await draft.ScanAsync("TEA", 3, Find);

        Assert.Equal(new ScanOutcome(true, null), outcome);
        Assert.Equal(3, draft.Units);
    }

    [Theory]
    [InlineData("NOPE", 1, "There is no product with SKU “NOPE”.")]
    [InlineData("KET", 0, "Enter at least 1 unit.")]
    [InlineData("KET", -2, "Enter at least 1 unit.")]
    [InlineData("  ", 1, null)]
    public async Task Scan_Refused_AddsNothing(string sku, int units, string? message)
    {
        var draft = AgainstPo();

        var outcome = await draft.ScanAsync(sku, units, Find);

        Assert.Equal(new ScanOutcome(false, message), outcome);
        Assert.Equal(0, draft.Units);
    }

    [Fact]
    public void OverReceipt_IsAskedAboutOnlyAgainstAPurchaseOrder_AndSentWhenAccepted()
    {
        var draft = AgainstPo();
        draft.Lines[0].Qty = 7;

        Assert.True(draft.Lines[0].Over);
        Assert.True(draft.AsksAboutOver);
        draft.AllowOver = true;
        Assert.True(draft.Input().AllowOverReceipt);

        draft.Start(null, null);
        Assert.False(draft.AllowOver);
        Assert.False(draft.AsksAboutOver);
    }

    [Fact]
    public void FillOutstanding_ThenInput_SendsOnlyLinesWithUnitsUnderTheSameKey()
    {
        var draft = AgainstPo();

        draft.FillOutstanding();
        var first = draft.Input();
        var again = draft.Input();

        Assert.Equal([("KET", 6)], first.Lines.Select(l => (l.Sku, l.Qty)));
        Assert.Equal(7, first.PurchaseOrderId);
        Assert.Equal(first.IdempotencyKey, again.IdempotencyKey);
    }

    [Fact]
    public void StartAnother_TakesANewKeyAndEmptiesTheReceipt()
    {
        var draft = AgainstPo();
        var key = draft.Key;

        draft.StartAnother();

        Assert.NotEqual(key, draft.Key);
        Assert.Empty(draft.Lines);
        Assert.Null(draft.PurchaseOrderId);
    }

    [Theory]
    [InlineData(0, "Enter at least 1 unit.")]
    [InlineData(-2, "Enter at least 1 unit.")]
    [InlineData(1, null)]
    public void ScanUnits_ZeroOrNegative_IsRefusedAtTheField(int units, string? problem) =>
        Assert.Equal(problem, ReceiptDraft.ScanUnitsProblem(units));

    [Fact]
    public void NegativeLine_IsMarkedAtItsField_BlocksThePreview_AndIsSentAsTypedForTheServiceToRefuse()
    {
        var draft = AgainstPo();
        draft.Lines[0].Qty = 3;
        draft.Lines[1].Qty = -2;

        Assert.Null(draft.Lines[0].Problem);
        Assert.Equal("Can't be negative: enter 0 if none came.", draft.Lines[1].Problem);
        Assert.True(draft.HasProblems);
        Assert.Equal("Correct the quantities marked in red to preview.", draft.NotReadyBecause);
        Assert.Equal(3, draft.Units);
        Assert.Equal([("KET", 3), ("MUG", -2)], draft.Input().Lines.Select(l => (l.Sku, l.Qty)));
    }

    [Fact]
    public void NotReadyBecause_SaysWhyThePreviewWaits_UntilAUnitIsEntered()
    {
        var draft = AgainstPo();

        Assert.Equal("Enter a quantity to preview.", draft.NotReadyBecause);
        draft.Lines[1].Qty = 0;
        Assert.Equal("Enter a quantity to preview.", draft.NotReadyBecause);
        draft.Lines[0].Qty = 1;
        Assert.Null(draft.NotReadyBecause);
    }
}
