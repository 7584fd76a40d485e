using McpAspire.Gateway.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Tests.Security;

/// <summary>
/// A validated JWT is remembered (a client sends the same token on every request), but only for the resource it was
/// validated for, never past its expiry, and each request gets its own principal.
/// </summary>
public sealed class JwtValidationCacheTests
{
    private const string Resource = "http://gateway.test/mcp";

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static JwtTokenValidator Validator(TestIssuer issuer, TimeProvider clock) => new(
        Options.Create(new GatewayAuthOptions
        {
            // No configured resource: the audience is the resource each request addresses.
            Jwt = new JwtBearerSettings { Issuer = issuer.Issuer, JwksUri = issuer.JwksUri, RequireHttpsMetadata = false, ClockSkew = TimeSpan.Zero },
        }),
        NullLogger<JwtTokenValidator>.Instance,
        clock);

    [Fact]
    public async Task A_repeated_token_gets_a_fresh_principal_each_time_and_only_for_its_own_resource()
    {
        await using var issuer = await TestIssuer.StartAsync();
        using var validator = Validator(issuer, new ManualClock());
        var token = issuer.Mint("alice", Resource, scope: "mcp:tools");

        var first = await validator.ValidateAsync(token, Resource, CancellationToken.None);
        var second = await validator.ValidateAsync(token, Resource, CancellationToken.None);

        Assert.Null(first.Failure);
        Assert.Null(second.Failure);
        Assert.NotSame(first.Principal, second.Principal);
        Assert.Equal(GatewayPrincipal.IdOf(first.Principal!), GatewayPrincipal.IdOf(second.Principal!));
        Assert.Equal(first.Principal!.FindAll("scope").Select(c => c.Value), second.Principal!.FindAll("scope").Select(c => c.Value));
        // What one request does to its principal does not reach the next.
        first.Principal.Identities.First().AddClaim(new System.Security.Claims.Claim("scope", "mcp:admin"));
        var third = await validator.ValidateAsync(token, Resource, CancellationToken.None);
        Assert.DoesNotContain(third.Principal!.FindAll("scope"), c => c.Value == "mcp:admin");
        // Remembered for the resource it was validated for only: the audience check still runs for another.
        var elsewhere = await validator.ValidateAsync(token, "http://other.test/mcp", CancellationToken.None);
        Assert.Null(elsewhere.Principal);
        Assert.Contains("audience", elsewhere.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        await using var issuer = await TestIssuer.StartAsync();
        var clock = new ManualClock();
        using var validator = Validator(issuer, clock);
        // exp has whole seconds and the first validation fetches the JWKS: on a busy machine 2 s were not always enough
        // for the token to still be valid at the first check.
        var expires = DateTime.UtcNow.AddSeconds(6);
        var token = issuer.Mint("alice", Resource, expires: expires);

        Assert.Null((await validator.ValidateAsync(token, Resource, CancellationToken.None)).Failure);
        Assert.Null((await validator.ValidateAsync(token, Resource, CancellationToken.None)).Failure);

        // Past the expiry on both clocks (the cache's and the token handler's): not served from the cache any more.
        clock.Now = new DateTimeOffset(expires).AddSeconds(1);
        var wait = expires.AddSeconds(1) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        var late = await validator.ValidateAsync(token, Resource, CancellationToken.None);
        Assert.Null(late.Principal);
        Assert.Contains("expired", late.Failure, StringComparison.Ordinal);
    }
}
