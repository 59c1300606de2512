using System.Net;
using BackorderDashboard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Tests.Hosting;

/// <summary>The forwarded-headers and rate-limit settings as a deployment writes them.</summary>
public class HttpsAndProxiesTests
{
    private static ForwardedHeadersOptions Forwarding(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        return new ServiceCollection().AddHttpsAndProxies(configuration).BuildServiceProvider()
            .GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
    }

    [Fact]
    public void NamedProxiesAndNetworks_ReplaceLoopback_AndTheForwardLimitIsKept()
    {
        var options = Forwarding(("ForwardedHeaders:KnownProxies", "10.1.2.3, 10.1.2.4"), ("ForwardedHeaders:KnownNetworks:0", "192.168.0.0/16"),
            ("ForwardedHeaders:ForwardLimit", "2"));

        Assert.Equal([IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.2.4")], options.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("192.168.0.0/16")], options.KnownIPNetworks);
        Assert.Equal(2, options.ForwardLimit);
    }

    [Fact]
    public void NothingNamed_TrustsLoopbackOnly_OneProxyDeep()
    {
        var options = Forwarding();

        Assert.Contains(options.KnownIPNetworks, n => n.Contains(IPAddress.Loopback));
        Assert.DoesNotContain(options.KnownIPNetworks, n => n.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.Equal(1, options.ForwardLimit);
    }

    [Fact]
    public void AProxyThatIsNoAddress_StopsTheStart_NamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Forwarding(("ForwardedHeaders:KnownProxies", "proxy.internal")));

        Assert.Contains("ForwardedHeaders:KnownProxies", error.Message);
        Assert.Contains("proxy.internal", error.Message);
    }

    [Fact]
    public void ARateLimitBelowOne_StopsTheStart_NamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create("RateLimits:TrackingPerAddressPerMinute", (string?)"0")]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddBackorderRateLimits(configuration));

        Assert.Contains("RateLimits:TrackingPerAddressPerMinute", error.Message);
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("::1", "::1")]
    public void ClientAddress_IPv6CountsByItsSlash64(string address, string counted)
    {
        Assert.Equal(counted, ClientAddress.Of(IPAddress.Parse(address)));
    }
}
