using MudBlazor;

namespace BackorderDashboard.Components.Layout;

/// <summary>
/// One theme for the whole app, light and dark, with the system font stack (no web fonts to fetch). Every colour
/// reaches 4.5:1 (WCAG AA) with the text drawn on it and as text on the page: in light mode dark colours under white
/// text, in dark mode light colours under near-black text. Orange still says late or low, green in stock or done.
/// </summary>
public static class AppTheme
{
    /// <summary>The text on filled colours in dark mode: light colours need dark text to read.</summary>
    private const string DarkModeContrastText = "#121418";

    private static readonly string[] FontStack = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#b45309",
            Info = "#1565c0",
            Success = "#2e7d32",
            Warning = "#b85400",
            Error = "#c62828",
            TextSecondary = "rgba(0,0,0,0.64)",
            AppbarBackground = "#17324d",
            Background = "#f6f7f9",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7ab3ef",
            PrimaryContrastText = DarkModeContrastText,
            Secondary = "#f59e0b",
            SecondaryContrastText = DarkModeContrastText,
            Info = "#64b5f6",
            InfoContrastText = DarkModeContrastText,
            Success = "#66bb6a",
            SuccessContrastText = DarkModeContrastText,
            Warning = "#ffa726",
            WarningContrastText = DarkModeContrastText,
            Error = "#f26b6b",
            ErrorContrastText = DarkModeContrastText,
            AppbarBackground = "#10202f",
            Background = "#121418",
            Surface = "#1c1f25",
            DrawerBackground = "#171a1f",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
            H1 = new H1Typography { FontFamily = FontStack },
            H2 = new H2Typography { FontFamily = FontStack },
            H3 = new H3Typography { FontFamily = FontStack },
            H4 = new H4Typography { FontFamily = FontStack, FontSize = "1.75rem", FontWeight = "600" },
            H5 = new H5Typography { FontFamily = FontStack, FontWeight = "600" },
            H6 = new H6Typography { FontFamily = FontStack, FontWeight = "600" },
            Button = new ButtonTypography { FontFamily = FontStack },
            Body1 = new Body1Typography { FontFamily = FontStack },
            Body2 = new Body2Typography { FontFamily = FontStack },
            Subtitle1 = new Subtitle1Typography { FontFamily = FontStack },
            Subtitle2 = new Subtitle2Typography { FontFamily = FontStack },
            Caption = new CaptionTypography { FontFamily = FontStack },
            Overline = new OverlineTypography { FontFamily = FontStack },
        },
    };
}
