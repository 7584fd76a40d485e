using System.Net;
using System.Security.Claims;
using McpAspire.Gateway.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace McpAspire.Gateway.Tests.RateLimiting;

/// <summary>Who a request counts against, and that every principal maps to keys with one well-formed hash tag.</summary>
public sealed class RateLimitKeysTests
{
    private static HttpContext Context(params Claim[] claims)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        if (claims.Length > 0)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
        }
        return context;
    }

    [Fact]
    public void Authenticated_principals_by_id_else_the_client_address()
    {
        Assert.Equal("anon:10.1.2.3", RateLimitKeys.PrincipalOf(Context()));
        Assert.Equal("u:alice", RateLimitKeys.PrincipalOf(Context(new Claim(ClaimTypes.NameIdentifier, "alice"), new Claim("sub", "other"))));
        Assert.Equal("u:bob", RateLimitKeys.PrincipalOf(Context(new Claim("sub", "bob"))));
        Assert.Equal("u:key:ci", RateLimitKeys.PrincipalOf(Context(new Claim(ClaimTypes.NameIdentifier, "key:ci"))));
        // The gateway's anonymous principal is shared by every anonymous caller: they count by address instead.
        var anonymous = Context();
        anonymous.User = McpAspire.Gateway.Security.GatewayPrincipal.Create(McpAspire.Gateway.Security.GatewayPrincipal.AnonymousId, "Anonymous", ["mcp:tools"], []);
        Assert.Equal("anon:10.1.2.3", RateLimitKeys.PrincipalOf(anonymous));
        Assert.Equal("u:carol@example.com", RateLimitKeys.PrincipalOf(Context(new Claim(ClaimTypes.Upn, "carol@example.com"))));
        // Authenticated without any id claim: counted by address, like anonymous callers.
        Assert.Equal("anon:10.1.2.3", RateLimitKeys.PrincipalOf(Context(new Claim(ClaimTypes.Name, "nameless"))));
        // Not authenticated (no authentication type): the claims do not count.
        var unauthenticated = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "mallory")])) };
        Assert.StartsWith("anon:", RateLimitKeys.PrincipalOf(unauthenticated), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil}:t:echo")]
    [InlineData("{tag}")]
    [InlineData("line\nbreak")]
    public void Ids_that_could_break_the_hash_tag_are_hashed_consistently(string id)
    {
        var principal = RateLimitKeys.PrincipalOf(Context(new Claim("sub", id)));
        Assert.StartsWith("h:", principal, StringComparison.Ordinal);
        Assert.Equal(principal, RateLimitKeys.PrincipalOf(Context(new Claim("sub", id))));
        Assert.NotEqual(principal, RateLimitKeys.PrincipalOf(Context(new Claim("sub", id + "x"))));
        var key = RateLimitKeys.ToolKey(principal, "echo");
        Assert.Equal($"gateway:ratelimit:{{{principal}}}:t:echo", key);
        Assert.Equal(1, key.Count(c => c == '{'));
        Assert.Equal(1, key.Count(c => c == '}'));
    }

    [Fact]
    public void Long_ids_are_hashed_to_a_bounded_key()
    {
        var principal = RateLimitKeys.PrincipalOf(Context(new Claim("sub", new string('x', 5000))));
        Assert.StartsWith("h:", principal, StringComparison.Ordinal);
        Assert.True(RateLimitKeys.PrincipalKey(principal).Length < 80);
    }
}
