using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

public class CarrierTrackingTests
{
    [Theory]
    [InlineData("UPS", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784")]
    [InlineData("USPS", "9400111899223197428490", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490")]
    [InlineData("FedEx", "449044304137821", "https://www.fedex.com/fedextrack/?trknbr=449044304137821")]
    [InlineData("DHL", "1234567890", "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=1234567890")]
    [InlineData("Canada Post", "1234567890123456", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=1234567890123456")]
    [InlineData("Royal Mail", "AB123456789GB", "https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB")]
    [InlineData("OnTrac", "C11111111111111", "https://www.ontrac.com/tracking/?number=C11111111111111")]
    public void UrlFor_EachCarrier_IsItsTrackingPage(string carrier, string number, string expected)
    {
        Assert.Equal(expected, CarrierTracking.UrlFor(carrier, number));
    }

    [Fact]
    public void Carriers_EveryOneInTheTable_HasATestedUrl()
    {
        Assert.Equal(["UPS", "USPS", "FedEx", "DHL", "Canada Post", "Royal Mail", "OnTrac"], CarrierTracking.Names);
    }

    [Theory]
    [InlineData("ups", "UPS")]
    [InlineData(" U.S.P.S. ", "USPS")]
    [InlineData("Fed Ex", "FedEx")]
    [InlineData("federal express", "FedEx")]
    [InlineData("DHL Express", "DHL")]
    [InlineData("canadapost", "Canada Post")]
    public void Find_TheWaysStaffTypeACarrier_FindIt(string typed, string carrier)
    {
        Assert.Equal(carrier, CarrierTracking.Find(typed)?.Name);
    }

    [Fact]
    public void UrlFor_TheNumber_IsUrlEncoded()
    {
        Assert.Equal("https://www.ups.com/track?tracknum=1Z%20999%26x%3D1%2F2", CarrierTracking.UrlFor("UPS", " 1Z 999&x=1/2 "));
    }

    [Theory]
    [InlineData("Bob's Couriers", "12345")]
    [InlineData(null, "12345")]
    [InlineData("", "12345")]
    [InlineData("UPS", "")]
    [InlineData("UPS", null)]
    public void UrlFor_UnknownCarrierOrNoNumber_HasNoLink(string? carrier, string? number)
    {
        Assert.Null(CarrierTracking.UrlFor(carrier, number));
    }

    [Fact]
    public void ShippedMessage_KnownCarrier_LinksTheParcel_UnknownDoesNot()
    {
        var ups = MessageTemplates.Shipped("SO-1", [("Blue Kettle", 1)], "UPS", "1Z999");
        var other = MessageTemplates.Shipped("SO-1", [("Blue Kettle", 1)], "Bob's Couriers", "B-17");

        Assert.Contains("Tracking: UPS 1Z999\nFollow the parcel: https://www.ups.com/track?tracknum=1Z999", ups.Body);
        Assert.Contains("Tracking: Bob's Couriers B-17", other.Body);
        Assert.DoesNotContain("Follow the parcel", other.Body);
    }
}
