using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Import;

namespace BackorderDashboard.Tests.Features.Import;

/// <summary>How a CSV file is read: encodings, separators, quoting, row numbers and the kind named by its header.</summary>
public class ImportFileTests
{
    private static byte[] Bytes(string text, bool bom = false) =>
        bom ? [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

    private static ImportFile Read(byte[] bytes)
    {
        var (file, problem) = ImportFile.Read(bytes);
        Assert.True(file is not null, problem);
        return file!;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_WithOrWithoutByteOrderMark_ReadsTheSameHeaderAndCells(bool bom)
    {
        var file = Read(Bytes("sku,on_hand\r\nKET,4\r\n", bom));

        Assert.Equal(["sku", "on_hand"], file.Header);
        var record = Assert.Single(file.Records);
        Assert.Equal(("KET", "4", 2), (file.Cell(record, "sku"), file.Cell(record, "on_hand"), record.Row));
    }

    [Fact]
    public void Read_SemicolonHeader_SplitsOnSemicolonsAndKeepsDecimalCommas()
    {
        var file = Read(Bytes("sku;name;price\nKET;Blue Kettle;39,90\n"));

        Assert.Equal(';', file.Delimiter);
        var record = Assert.Single(file.Records);
        Assert.Equal(("Blue Kettle", "39,90"), (file.Cell(record, "name"), file.Cell(record, "price")));
    }

    [Fact]
    public void Read_QuotedFieldsWithCommasQuotesAndLineBreaks_OneRecordEachNumberedAsTheSpreadsheetRow()
    {
        var file = Read(Bytes("sku,name\nA,\"Kettle, blue\"\nB,\"Two\nlines \"\"quoted\"\"\"\nC,Plain\n"));

        Assert.Equal(["Kettle, blue", "Two\nlines \"quoted\"", "Plain"], file.Records.Select(r => file.Cell(r, "name")));
        Assert.Equal([2, 3, 4], file.Records.Select(r => r.Row));
    }

    [Fact]
    public void Read_BlankLineAndSpacesAroundCells_SkipsTheLineButCountsItsRowAndTrims()
    {
        var file = Read(Bytes("sku, on_hand \nA , 1\n\nB,2\n"));

        Assert.Equal(["sku", "on_hand"], file.Header);
        Assert.Equal([(2, "A"), (4, "B")], file.Records.Select(r => (r.Row, file.Cell(r, "sku"))));
    }

    [Fact]
    public void Read_NotUtf8_SaysHowToSaveIt()
    {
        var (file, problem) = ImportFile.Read([0x73, 0x6B, 0x75, 0x0A, 0xE9, 0xFF, 0x0A]);

        Assert.Null(file);
        Assert.Contains("UTF-8", problem);
    }

    [Theory]
    [InlineData("sku,name,category,supplier,price,on_hand,backorder_policy,backorder_cap,low_stock_threshold,lead_time_days", ImportKind.Products)]
    [InlineData("SKU,Name,extra", ImportKind.Products)]
    [InlineData("sku,on_hand", ImportKind.StockCounts)]
    [InlineData("on_hand,reason,sku,notes", ImportKind.StockCounts)]
    [InlineData("po_number,supplier,expected_date,sku,quantity,unit_cost", ImportKind.PurchaseOrders)]
    [InlineData("order_number,placed_at,customer_email,customer_name,sku,quantity,unit_price,ship_policy", ImportKind.Orders)]
    public void Detect_HeaderOfAKind_NamesThatKind(string header, ImportKind kind)
    {
        Assert.Equal(kind, ImportKinds.Detect(header.Split(',')));
    }

    [Theory]
    [InlineData("sku,quantity")]
    [InlineData("name,price")]
    public void Detect_HeaderOfNoKind_NamesNone(string header)
    {
        Assert.Null(ImportKinds.Detect(header.Split(',')));
    }

    [Fact]
    public void Template_EachKind_IsItsHeaderAndOneExampleRowThatReadsBackAsThatKind()
    {
        foreach (var kind in Enum.GetValues<ImportKind>())
        {
            var file = Read(Bytes(ImportKinds.Template(kind)));

            Assert.Equal(kind, ImportKinds.Detect(file.Header));
            Assert.Single(file.Records);
            Assert.Equal(kind, ImportKinds.FromSlug(ImportKinds.Slug(kind)));
        }
    }
}
