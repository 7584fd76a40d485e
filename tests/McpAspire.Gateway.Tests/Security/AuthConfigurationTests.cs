using System.Net;
using System.Security.Cryptography;
using System.Text;
using McpAspire.Gateway.Security;
using McpAspire.Gateway.Front;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Gateway.Tests.Security;

/// <summary>Start-up validation, anonymous mode, the key-hash command, a bare JWKS URL with key rotation.</summary>
public sealed class AuthConfigurationTests
{
    [Fact]
    public async Task The_gateway_refuses_to_start_when_nobody_could_authenticate()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningApp.GatewayAsync(new Dictionary<string, string?> { ["Gateway:Auth:AllowAnonymous"] = "false" }));
        Assert.Contains("no way to authenticate is configured", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("hash-key", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_key_pasted_as_hash_and_bad_urls_are_rejected_without_echoing_the_key()
    {
        const string plainKey = "mcpk_this-is-the-secret-itself";
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningApp.GatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:Auth:ApiKeys:0:Name"] = "ci",
            ["Gateway:Auth:ApiKeys:0:Hash"] = plainKey,
            ["Gateway:Auth:Jwt:Issuer"] = "https://issuer.example.com",
            ["Gateway:Auth:Jwt:JwksUri"] = "http://issuer.example.com/jwks",
            ["Gateway:Auth:Resource"] = "not a url",
        }));
        var text = error.ToString();
        Assert.Contains("Gateway:Auth:ApiKeys:0:Hash", text, StringComparison.Ordinal);
        Assert.DoesNotContain(plainKey, text, StringComparison.Ordinal);
        Assert.Contains("Gateway:Auth:Resource", text, StringComparison.Ordinal);
        Assert.Contains("plain http", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_callers_are_served_only_with_AllowAnonymous_and_hold_only_the_configured_scopes()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        var settings = Downstreams.Http("toolhost", toolHost.McpUri);
        settings["Gateway:Auth:AllowAnonymous"] = "true";
        settings["Gateway:Auth:AnonymousScopes:0"] = "mcp:tools";
        settings["Gateway:Auth:RequiredScopes:0"] = "mcp:tools";
        await using var gateway = await RunningApp.GatewayAsync(settings);
        var init = await RawMcp.SendAsync(gateway.Http, RawMcp.Post(gateway.McpUri, RawMcp.InitializeBody));
        Assert.Equal(HttpStatusCode.OK, init.Status);
        // The anonymous principal lacks the admin scope here (it was given only mcp:tools).
        using var stats = await gateway.Http.GetAsync(new Uri("stats", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, stats.StatusCode);
        // No rules: every caller sees the same lists, which stay publicly cacheable.
        Assert.True(gateway.App.Services.GetRequiredService<IOptions<ListResultCachingOptions>>().Value.ListResultsArePublic);
    }

    [Fact]
    public void Hash_key_prints_the_sha256_hex_of_the_key_and_new_key_prints_a_matching_pair()
    {
        using var output = new StringWriter();
        Assert.True(ApiKeyCommands.TryRun(["hash-key", "mcpk_example"], output));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("mcpk_example"))), output.ToString().Trim());

        using var pair = new StringWriter();
        Assert.True(ApiKeyCommands.TryRun(["new-key"], pair));
        var lines = pair.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var key = lines[0]["key:".Length..].Trim();
        Assert.StartsWith(ApiKeyHasher.KeyPrefix, key, StringComparison.Ordinal);
        Assert.Equal(ApiKeyHasher.Hash(key), lines[1]["hash:".Length..].Trim());
        Assert.False(ApiKeyCommands.TryRun(["--urls", "http://127.0.0.1:0"], TextWriter.Null));
    }

    [Fact]
    public async Task A_bare_jwks_url_works_and_a_newly_published_key_is_picked_up_without_restart()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var toolHost = await RunningApp.ToolHostAsync();
        var settings = Downstreams.Http("toolhost", toolHost.McpUri);
        settings["Gateway:Auth:Jwt:Issuer"] = issuer.Issuer;
        settings["Gateway:Auth:Jwt:JwksUri"] = issuer.JwksUri;
        settings["Gateway:Auth:Resource"] = "https://mcp.example.com/mcp";
        await using var gateway = await RunningApp.GatewayAsync(settings);
        const string audience = "https://mcp.example.com/mcp";

        async Task<string> InitializeWith(string token)
        {
            using var request = AuthGatewayFixture.WithBearer(RawMcp.Post(gateway.McpUri, RawMcp.InitializeBody), token);
            var response = await RawMcp.SendAsync(gateway.Http, request);
            return $"{(int)response.Status} " + (response.ErrorCode is null ? "" : response.Messages.First().GetProperty("error").GetProperty("message").GetString());
        }

        Assert.StartsWith("200 ", await InitializeWith(issuer.Mint("alice", audience, key: issuer.EcKey)), StringComparison.Ordinal);
        // The configured resource, not the request's host, is the audience.
        Assert.StartsWith("401 ", await InitializeWith(issuer.Mint("alice", gateway.McpUri.ToString())), StringComparison.Ordinal);
        var fetches = issuer.JwksFetches;

        var rotated = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-2" };
        issuer.Publish(rotated);
        Assert.StartsWith("200 ", await InitializeWith(issuer.Mint("alice", audience, key: rotated)), StringComparison.Ordinal);
        Assert.True(issuer.JwksFetches > fetches, "the unknown kid made the gateway re-read the JWKS");

        // The metadata names the configured resource, whatever host the request came to.
        using var metadata = await gateway.Http.GetAsync(new Uri(".well-known/oauth-protected-resource/mcp", UriKind.Relative));
        Assert.Contains("\"resource\":\"https://mcp.example.com/mcp\"", await metadata.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var challenge = await gateway.Http.SendAsync(RawMcp.Post(gateway.McpUri, RawMcp.InitializeBody));
        Assert.Contains("resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"",
            challenge.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_a_key_takes_effect_on_configuration_reload_without_restart()
    {
        const string key = "mcpk_reload-test-key-0123456789";
        await using var gateway = await RunningApp.GatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:Auth:ApiKeys:0:Name"] = "ci",
            ["Gateway:Auth:ApiKeys:0:Hash"] = ApiKeyHasher.Hash(key),
        });
        async Task<HttpStatusCode> InitializeAsync()
        {
            using var request = RawMcp.Post(gateway.McpUri, RawMcp.InitializeBody);
            request.Headers.Add("X-Api-Key", key);
            return (await RawMcp.SendAsync(gateway.Http, request)).Status;
        }

        Assert.Equal(HttpStatusCode.OK, await InitializeAsync());
        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)gateway.App.Configuration;
        configuration["Gateway:Auth:ApiKeys:0:Revoked"] = "true";
        configuration.Reload();
        Assert.Equal(HttpStatusCode.Unauthorized, await InitializeAsync());
    }

    [Fact]
    public async Task An_unreachable_key_source_gives_401_not_a_hang_or_500()
    {
        await using var gateway = await RunningApp.GatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:Auth:Jwt:Issuer"] = "http://127.0.0.1:9",
            ["Gateway:Auth:Jwt:JwksUri"] = $"http://127.0.0.1:{FreePort.Next()}/jwks",
        });
        using var request = AuthGatewayFixture.WithBearer(RawMcp.Post(gateway.McpUri, RawMcp.InitializeBody), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln");
        var response = await RawMcp.SendAsync(gateway.Http, request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("signing keys could not be obtained", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo", "echo", true)]
    [InlineData("echo", "echo2", false)]
    [InlineData("*agent*", "toolhost__agents_register", true)]
    [InlineData("mailbox://*", "mailbox://a/b", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "abbc", false)]
    [InlineData("a.c", "abc", false)]
    public void Glob_patterns_match_whole_names(string pattern, string value, bool expected) =>
        Assert.Equal(expected, new GlobPattern(pattern).IsMatch(value));
}
