using BackorderDashboard.Components.Layout;
using MudBlazor;
using MudBlazor.Utilities;

namespace BackorderDashboard.Tests.Components;

/// <summary>
/// The theme's colours reach WCAG AA (4.5:1 for normal text) in both modes: each status colour with the text drawn on
/// it (filled chips, badges, buttons) and as text on the page's background and on cards (outlined chips, figures).
/// </summary>
public class AppThemeTests
{
    private const double AA = 4.5;

    public static TheoryData<string> Modes => new() { "light", "dark" };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Palette_FilledColours_ReadWithTheirText(string mode)
    {
        var p = PaletteOf(mode);
        var failures = Filled(p)
            .Select(c => (c.Name, Ratio: Contrast(c.Text, c.Fill)))
            .Where(c => c.Ratio < AA)
            .Select(c => $"{c.Name}: {c.Ratio:0.00}:1")
            .ToList();

        Assert.True(failures.Count == 0, $"{mode}: {string.Join(", ", failures)}");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Palette_ColoursAsText_ReadOnBackgroundAndSurface(string mode)
    {
        var p = PaletteOf(mode);
        var failures = new List<string>();
        foreach (var (name, colour, _) in Filled(p).Append(("TextSecondary", p.TextSecondary, p.TextSecondary)).Append(("TextPrimary", p.TextPrimary, p.TextPrimary)))
        {
            foreach (var (ground, behind) in new[] { ("background", p.Background), ("surface", p.Surface) })
            {
                var ratio = Contrast(colour, behind);
                if (ratio < AA)
                {
                    failures.Add($"{name} on {ground}: {ratio:0.00}:1");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{mode}: {string.Join(", ", failures)}");
    }

    [Fact]
    public void Palette_StatusColours_KeepTheirHues()
    {
        // Orange says late or low stock, green in stock or done, red overdue: the fixes for contrast keep that meaning.
        foreach (var p in new Palette[] { AppTheme.Theme.PaletteLight, AppTheme.Theme.PaletteDark })
        {
            Assert.InRange(Hue(p.Warning), 20, 45);
            Assert.InRange(Hue(p.Success), 90, 150);
            Assert.True(Hue(p.Error) is < 10 or > 345, $"error hue {Hue(p.Error)}");
        }
    }

    private static Palette PaletteOf(string mode) => mode == "dark" ? AppTheme.Theme.PaletteDark : AppTheme.Theme.PaletteLight;

    private static IEnumerable<(string Name, MudColor Fill, MudColor Text)> Filled(Palette p) =>
    [
        ("Primary", p.Primary, p.PrimaryContrastText),
        ("Secondary", p.Secondary, p.SecondaryContrastText),
        ("Info", p.Info, p.InfoContrastText),
        ("Success", p.Success, p.SuccessContrastText),
        ("Warning", p.Warning, p.WarningContrastText),
        ("Error", p.Error, p.ErrorContrastText),
    ];

    /// <summary>WCAG's contrast ratio; a translucent foreground is first laid over what is behind it.</summary>
    private static double Contrast(MudColor front, MudColor back)
    {
        var alpha = front.A / 255.0;
        double Blend(byte f, byte b) => f * alpha + b * (1 - alpha);
        var (l1, l2) = (Luminance(Blend(front.R, back.R), Blend(front.G, back.G), Blend(front.B, back.B)), Luminance(back.R, back.G, back.B));
        return (Math.Max(l1, l2) + 0.05) / (Math.Min(l1, l2) + 0.05);
    }

    private static double Luminance(double r, double g, double b)
    {
        static double Linear(double c) => (c /= 255) <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        return 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);
    }

    private static double Hue(MudColor c)
    {
        double r = c.R / 255.0, g = c.G / 255.0, b = c.B / 255.0;
        double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), d = max - min;
        if (d == 0)
        {
            return 0;
        }
        var h = max == r ? (g - b) / d % 6 : max == g ? (b - r) / d + 2 : (r - g) / d + 4;
        return (h * 60 + 360) % 360;
    }
}
