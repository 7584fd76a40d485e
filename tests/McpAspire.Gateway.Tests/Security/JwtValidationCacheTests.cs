using System.Net;
using System.Security.Claims;
using McpAspire.Gateway.Security;
using McpAspire.TestSupport;

namespace McpAspire.Gateway.Tests.Security;

/// <summary>
/// A validated JWT is remembered (a client sends the same token on every request), but only for the resource it was
/// validated for, never past its expiry, and each request gets its own principal — the cache itself, and the gateway's
/// JwtBearer scheme that uses it.
/// </summary>
public sealed class JwtValidationCacheTests
{
    private const string Resource = "http://gateway.test/mcp";

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static ClaimsPrincipal Alice() => GatewayPrincipal.Create(GatewayPrincipal.JwtPrefix + "alice", "Bearer", ["mcp:tools"], []);

    [Fact]
    public void A_remembered_token_gives_a_fresh_principal_each_time_and_only_for_its_own_resource()
    {
        var cache = new JwtTokenCache(new ManualClock());
        cache.Add("token", Resource, Alice(), DateTimeOffset.UtcNow.AddHours(1));

        Assert.True(cache.TryGet("token", Resource, out var first));
        Assert.True(cache.TryGet("token", Resource, out var second));
        Assert.NotSame(first, second);
        Assert.Equal(GatewayPrincipal.IdOf(first!), GatewayPrincipal.IdOf(second!));
        // What one request does to its principal does not reach the next.
        first!.Identities.First().AddClaim(new Claim("scope", "mcp:admin"));
        Assert.True(cache.TryGet("token", Resource, out var third));
        Assert.DoesNotContain(third!.FindAll("scope"), c => c.Value == "mcp:admin");
        Assert.False(cache.TryGet("token", "http://other.test/mcp", out _));
        Assert.False(cache.TryGet("other-token", Resource, out _));
    }

    [Fact]
    public void A_remembered_token_is_forgotten_at_its_expiry_and_after_the_cache_lifetime()
    {
        var clock = new ManualClock();
        var cache = new JwtTokenCache(clock);
        cache.Add("short", Resource, Alice(), clock.Now.AddSeconds(30));
        cache.Add("long", Resource, Alice(), clock.Now.AddHours(1));
        cache.Add("expired", Resource, Alice(), clock.Now.AddSeconds(-1));

        Assert.False(cache.TryGet("expired", Resource, out _));
        clock.Now = clock.Now.AddSeconds(31);
        Assert.False(cache.TryGet("short", Resource, out _));
        Assert.True(cache.TryGet("long", Resource, out _));
        clock.Now = clock.Now + JwtTokenCache.Lifetime;
        Assert.False(cache.TryGet("long", Resource, out _));
    }

    [Fact]
    public async Task Through_the_gateway_a_token_is_accepted_for_the_host_it_was_issued_for_only_and_refused_once_expired()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var gateway = await RunningApp.GatewayAsync(new Dictionary<string, string?>
        {
            // No configured resource: the audience is the resource each request addresses.
            ["Gateway:Auth:Jwt:Issuer"] = issuer.Issuer,
            ["Gateway:Auth:Jwt:JwksUri"] = issuer.JwksUri,
            ["Gateway:Auth:Jwt:ClockSkew"] = "00:00:00",
        });
        // exp has whole seconds and the first request fetches the JWKS: leave room on a busy machine.
        var expires = DateTime.UtcNow.AddSeconds(8);
        var token = issuer.Mint("alice", gateway.McpUri.ToString(), expires: expires);

        async Task<RawResponse> InitializeAsync(string? host = null)
        {
            using var request = AuthGatewayFixture.WithBearer(RawMcp.Post(gateway.McpUri, RawMcp.InitializeBody), token);
            if (host is not null)
            {
                request.Headers.Host = host;
            }
            return await RawMcp.SendAsync(gateway.Http, request);
        }

        Assert.Equal(HttpStatusCode.OK, (await InitializeAsync()).Status);
        Assert.Equal(HttpStatusCode.OK, (await InitializeAsync()).Status);
        // Remembered for the resource it was validated for only: addressed as another host, the audience check runs.
        var elsewhere = await InitializeAsync($"localhost:{gateway.BaseAddress.Port}");
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.Status);
        Assert.Contains("audience", elsewhere.Body, StringComparison.Ordinal);

        await Eventually.HoldsAsync(() => Task.FromResult(DateTime.UtcNow > expires.AddSeconds(1)), "the token's expiry has passed", 30);
        var late = await InitializeAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, late.Status);
        Assert.Contains("expired", late.Body, StringComparison.Ordinal);
    }
}
