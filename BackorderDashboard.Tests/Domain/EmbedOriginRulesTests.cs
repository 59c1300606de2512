using BackorderDashboard.Domain;
using BackorderDashboard.Features.Api;
using Microsoft.Extensions.Configuration;

namespace BackorderDashboard.Tests.Domain;

/// <summary>Which shop addresses the live badge accepts, written as browsers send them in <c>Origin</c>.</summary>
public class EmbedOriginRulesTests
{
    [Theory]
    [InlineData("https://shop.example.com", "https://shop.example.com")]
    [InlineData("  HTTPS://Shop.Example.com/ ", "https://shop.example.com")]
    [InlineData("https://shop.example.com:443", "https://shop.example.com")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("https://example.myshopify.com", "https://example.myshopify.com")]
    [InlineData("http://[::1]:5000", "http://[::1]:5000")]
    public void Normalize_AnOrigin_IsWrittenAsBrowsersSendIt(string text, string origin)
    {
        Assert.Equal(origin, StorefrontOrigin.Normalize(text));
    }

    [Theory]
    [InlineData("shop.example.com")]
    [InlineData("https://shop.example.com/products")]
    [InlineData("https://shop.example.com//")]
    [InlineData("https://shop.example.com?x=1")]
    [InlineData("https://shop.example.com#top")]
    [InlineData("https://user@shop.example.com")]
    [InlineData("ftp://shop.example.com")]
    [InlineData("javascript://shop.example.com")]
    [InlineData("https://shop example.com")]
    [InlineData("*")]
    [InlineData("null")]
    [InlineData("https://")]
    public void Normalize_AnythingButSchemeHostAndPort_IsRefused(string text)
    {
        Assert.Null(StorefrontOrigin.Normalize(text));
    }

    [Fact]
    public void Validate_ABadLine_IsNamedUnderTheField_GoodLinesPass()
    {
        var good = new SettingsInput { TimeZoneId = "UTC", StorefrontOrigins = "https://a.example.com\r\n\r\nhttp://localhost:3000" };
        var bad = new SettingsInput { TimeZoneId = "UTC", StorefrontOrigins = "https://a.example.com\nshop.example.com/products" };

        Assert.Empty(SettingsService.Validate(good));
        Assert.Contains("“shop.example.com/products”", SettingsService.Validate(bad)[nameof(SettingsInput.StorefrontOrigins)]);
    }

    [Fact]
    public void Configuration_AMalformedOrigin_StopsTheStart_NamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [KeyValuePair.Create("Storefront:AllowedOrigins:0", (string?)"https://ok.example.com"), KeyValuePair.Create("Storefront:AllowedOrigins:1", (string?)"shop.example.com/x")]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => StorefrontOrigins.FromConfiguration(configuration));

        Assert.Contains("Storefront:AllowedOrigins", error.Message);
        Assert.Contains("shop.example.com/x", error.Message);
    }

    [Theory]
    [InlineData("Storefront:AllowedOrigins:0", "https://Shop.Example.com/")]
    [InlineData("Storefront:AllowedOrigins", "https://shop.example.com, http://localhost:3000")]
    public void Configuration_Origins_AListOrOneCommaSeparatedValue_AreNormalised(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, (string?)value)]).Build();

        Assert.Equal("https://shop.example.com", StorefrontOrigins.FromConfiguration(configuration)[0]);
    }
}
