using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace BackorderDashboard.Components.Account;

/// <summary>
/// The codes in e-mailed account links (confirm, reset, change e-mail), base64url as the link writes them. A link
/// that was cut short or edited does not decode: the page then says the link is invalid instead of failing.
/// </summary>
internal static class AccountLinkCodes
{
    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
