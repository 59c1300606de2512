using System.Globalization;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Components;

/// <summary>
/// The one number field every form uses: what it cannot read (or what breaks the field's range) shows a message at
/// the field, leaves the bound value as it was and stops the save; what it reads is bound exactly.
/// </summary>
public class NumberFieldTests(ITestOutputHelper output) : BunitTestContext
{
    /// <summary>Each field of the probe and the few bad-list texts that are good values for it.</summary>
    private static readonly (string Field, string[] GoodForIt)[] Fields =
    [
        ("line-qty", []), ("handling", ["0"]), ("capacity", ["", "   "]), ("percent", []), ("amount", ["1.5"]), ("receive-qty", ["-1", "0"]),
    ];

    [Fact]
    public void EveryField_EveryBadValue_MessageAtTheFieldValueKeptAndNothingSaved()
    {
        var tried = 0;
        foreach (var (field, good) in Fields)
        {
            // One form per field, every bad value typed into it in turn, as a user would.
            var form = Render<NumberFieldProbe>();
            var before = form.Instance.Model.Snapshot();
            foreach (var text in BadInputs.Numbers.Where(t => !good.Contains(t)))
            {
                form.Find($"input[data-testid={field}]").Change(text);
                form.Find("form").Submit();

                var message = form.Find($"[data-field={field}] .mud-input-helper-text.mud-input-error");
                Assert.False(string.IsNullOrWhiteSpace(message.TextContent), $"{field} “{text}” has no message.");
                Assert.Equal(before, form.Instance.Model.Snapshot());
                if (field == "receive-qty")
                {
                    // Outside the EditForm: the guard is what the page asks before it sends the receipt.
                    Assert.True(form.Instance.Guard.Blocks, $"{field} “{text}” does not block the save.");
                }
                else
                {
                    Assert.Empty(form.Instance.Saved);
                }
                tried++;
            }
        }
        output.WriteLine($"Number-field sweep: {tried} bad inputs over {Fields.Length} field kinds, each refused at its field.");
        Assert.Equal(BadInputs.Numbers.Count * Fields.Length - Fields.Sum(f => f.GoodForIt.Length), tried);
    }

    [Fact]
    public void Field_ReadableValue_IsBoundAndTheFormSaves()
    {
        var form = Render<NumberFieldProbe>();

        form.Find("input[data-testid=line-qty]").Change("1,250");
        form.Find("input[data-testid=capacity]").Change("");
        form.Find("input[data-testid=amount]").Change("12.50");
        form.Find("form").Submit();

        Assert.Equal(["1250/2//10/12.50/7"], form.Instance.Saved);
        Assert.Empty(form.FindAll(".mud-input-error"));
    }

    [Fact]
    public void Field_UnreadableThenCorrected_SavesTheCorrectedValue()
    {
        var form = Render<NumberFieldProbe>();

        form.Find("input[data-testid=handling]").Change("abc");
        form.Find("form").Submit();
        form.Find("input[data-testid=handling]").Change("5");
        form.Find("form").Submit();
        form.Find("input[data-testid=receive-qty]").Change("1e20");
        form.Find("input[data-testid=receive-qty]").Change("12");

        Assert.Equal(["3/5/40/10/5/7"], form.Instance.Saved);
        Assert.False(form.Instance.Guard.Blocks);
        Assert.Equal(12, form.Instance.Model.Received);
    }

    [Theory]
    [InlineData("12,5", "de-DE", true, "12.5")]
    [InlineData("12.5", "de-DE", false, null)]
    [InlineData("1.250", "de-DE", true, "1250")]
    [InlineData("12,5", "en-US", false, null)]
    [InlineData("1,250.75", "en-US", true, "1250.75")]
    [InlineData("1,25", "en-US", false, null)]
    [InlineData(" 42 ", "en-US", true, "42")]
    [InlineData("1e3", "en-US", false, null)]
    [InlineData("12.345", "en-US", false, null)]
    public void Read_InTheReadersCulture_ReadsOnlyWhatItWrites(string text, string culture, bool readable, string? value)
    {
        var reading = NumberText.Read(text, 0, 1_000_000, decimals: 2, culture: CultureInfo.GetCultureInfo(culture));

        Assert.Equal(readable, reading.Readable);
        Assert.Equal(value is null ? null : decimal.Parse(value, CultureInfo.InvariantCulture), reading.Value);
        Assert.Equal(readable, reading.Problem is null);
    }

    [Fact]
    public void Read_HugeNumber_SaysItIsTooLarge()
    {
        Assert.Contains("too large", NumberText.Read(BadInputs.Long, 1, 100).Problem);
        Assert.Contains("from 1 to 100", NumberText.Read("2147483648", 1, 100).Problem);
        Assert.Contains("not a whole number", NumberText.Read("abc", 1, 100).Problem);
    }
}
