using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// Every test reads and writes dates and numbers in American English, whatever the machine's language: expected
/// texts ("ships Dec 5", "$1,234.00") are written that way. Set once, for every thread, before any test runs.
/// </summary>
internal static class TestCulture
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The test assembly's culture must be set before xunit starts any test.")]
    internal static void UseAmericanEnglish()
    {
        var culture = CultureInfo.GetCultureInfo("en-US");
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.CurrentCulture = culture;
    }
}
