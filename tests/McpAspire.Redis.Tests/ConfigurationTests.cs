using System.Net;

namespace McpAspire.Redis.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void Parses_stackexchange_format()
    {
        var o = ConfigurationOptions.Parse("redis-a:6380, 10.0.0.2 ,[::1]:7000,password=p@ss=word,user=app,ssl=true,defaultDatabase=3,connectTimeout=1500,syncTimeout=2500,abortConnect=false,name=svc,protocol=resp2,allowAdmin=true");
        Assert.Equal(3, o.EndPoints.Count);
        Assert.Equal(new DnsEndPoint("redis-a", 6380), o.EndPoints[0]);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 6379), o.EndPoints[1]);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 7000), o.EndPoints[2]);
        Assert.Equal("p@ss=word", o.Password);
        Assert.Equal("app", o.User);
        Assert.True(o.Ssl);
        Assert.Equal(3, o.DefaultDatabase);
        Assert.Equal(1500, o.ConnectTimeout);
        Assert.Equal(2500, o.SyncTimeout);
        Assert.Equal(2500, o.AsyncTimeout);
        Assert.False(o.AbortOnConnectFail);
        Assert.Equal("svc", o.ClientName);
        Assert.Equal(RedisProtocol.Resp2, o.Protocol);
        Assert.DoesNotContain("p@ss", o.ToString(includePassword: false), StringComparison.Ordinal);
        var again = ConfigurationOptions.Parse(o.ToString());
        Assert.Equal(o.ToString(), again.ToString());
    }

    [Fact]
    public void Parses_redis_uris()
    {
        var o = ConfigurationOptions.Parse("rediss://alice:s%40cret@cache.example:6390/2?connectTimeout=900&name=x");
        Assert.True(o.Ssl);
        Assert.Equal(new DnsEndPoint("cache.example", 6390), o.EndPoints.Single());
        Assert.Equal("alice", o.User);
        Assert.Equal("s@cret", o.Password);
        Assert.Equal(2, o.DefaultDatabase);
        Assert.Equal(900, o.ConnectTimeout);
        Assert.Equal("x", o.ClientName);

        var plain = ConfigurationOptions.Parse("redis://:pw@127.0.0.1");
        Assert.False(plain.Ssl);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6379), plain.EndPoints.Single());
        Assert.Null(plain.User);
        Assert.Equal("pw", plain.Password);
    }

    [Theory]
    [InlineData("localhost:6379,conectTimeout=5", "conectTimeout")]
    [InlineData("localhost:99999", "localhost:99999")]
    [InlineData("localhost:abc", "localhost:abc")]
    [InlineData("localhost,ssl=maybe", "ssl=maybe")]
    [InlineData("localhost,defaultDatabase=-1", "defaultDatabase=-1")]
    [InlineData("localhost,syncTimeout=0", "syncTimeout=0")]
    [InlineData("localhost,protocol=resp9", "protocol=resp9")]
    [InlineData("password=x", "no endpoint")]
    [InlineData("redis://h/notanumber", "/notanumber")]
    [InlineData("redis://h?novalue", "novalue")]
    [InlineData("[::1:6379", "[::1:6379")]
    public void Bad_tokens_are_named_in_the_error(string configuration, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ConfigurationOptions.Parse(configuration));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_error_does_not_echo_its_value()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConfigurationOptions.Parse("localhost,passwrd=topsecret"));
        Assert.Contains("passwrd", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", ex.Message, StringComparison.Ordinal);
    }
}
