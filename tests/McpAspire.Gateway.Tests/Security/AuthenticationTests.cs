using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Gateway.Tests.Security;

[CollectionDefinition(Name)]
public sealed class AuthGatewayCollection : ICollectionFixture<AuthGatewayFixture>
{
    public const string Name = "auth-gateway";
}

/// <summary>Who gets in: 401 with resource metadata, invalid tokens and keys, scopes → 403, /stats for admins only.</summary>
[Collection(AuthGatewayCollection.Name)]
public sealed class AuthenticationTests(AuthGatewayFixture fixture)
{
    private const string Ping = """{"jsonrpc":"2.0","id":7,"method":"ping"}""";

    [Fact]
    public async Task Every_mcp_route_without_credentials_gets_401_pointing_at_metadata_that_describes_the_resource()
    {
        using var http = fixture.Anonymous();
        var mcp = fixture.Gateway.McpUri;
        var requests = new Func<HttpRequestMessage>[]
        {
            () => RawMcp.Post(mcp, RawMcp.InitializeBody),
            () => new HttpRequestMessage(HttpMethod.Get, mcp),
            () => new HttpRequestMessage(HttpMethod.Delete, mcp),
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Gateway.BaseAddress, "sse")),
            () => RawMcp.Post(new Uri(fixture.Gateway.BaseAddress, "message?sessionId=x"), Ping),
        };
        string? metadataUrl = null;
        foreach (var make in requests)
        {
            using var request = make();
            var response = await RawMcp.SendAsync(http, request);
            Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{request.Method} {request.RequestUri}: {response.Status} {response.Body}");
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.DoesNotContain("error=", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("scope=\"mcp:tools\"", challenge.Parameter, StringComparison.Ordinal);
            metadataUrl = Parameter(challenge.Parameter!, "resource_metadata");
            Assert.True(response.Messages.Single().GetProperty("error").GetProperty("code").GetInt32() < 0, response.Body);
        }
        Assert.Equal(new Uri(fixture.Gateway.BaseAddress, ".well-known/oauth-protected-resource/mcp").ToString(), metadataUrl);

        // The metadata itself is anonymous (in both RFC 9728 forms) and names this resource and the issuer.
        foreach (var url in new[] { metadataUrl!, new Uri(fixture.Gateway.BaseAddress, ".well-known/oauth-protected-resource").ToString() })
        {
            using var response = await http.GetAsync(new Uri(url));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = json.RootElement;
            Assert.Equal(fixture.Gateway.McpUri.ToString(), root.GetProperty("resource").GetString());
            Assert.Equal([fixture.Issuer.Issuer], root.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["header"], root.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
            var scopes = root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Contains("mcp:tools", scopes);
            Assert.Contains("mcp:admin", scopes);
        }

        // Health stays anonymous.
        foreach (var path in new[] { "health", "alive" })
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public static TheoryData<string> BadCredentials =>
    [
        "wrong-audience", "expired", "not-yet-valid", "bad-signature", "unknown-kid", "wrong-issuer", "alg-none", "garbage",
        "no-expiry-key-hs256", "unknown-api-key", "revoked-api-key", "unknown-api-key-header", "basic-scheme", "empty-bearer", "no-subject",
    ];

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Bad_credentials_get_401_invalid_token(string kind)
    {
        var issuer = fixture.Issuer;
        var audience = fixture.Audience;
        var now = DateTime.UtcNow;
        using var request = RawMcp.Post(fixture.Gateway.McpUri, RawMcp.InitializeBody);
        void Bearer(string token) => request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        switch (kind)
        {
            case "wrong-audience": Bearer(issuer.Mint("alice", "http://other.example.com/mcp", "mcp:tools")); break;
            case "expired": Bearer(issuer.Mint("alice", audience, "mcp:tools", notBefore: now.AddHours(-2), expires: now.AddHours(-1))); break;
            case "not-yet-valid": Bearer(issuer.Mint("alice", audience, "mcp:tools", notBefore: now.AddHours(1), expires: now.AddHours(2))); break;
            case "bad-signature":
                // Same kid as the published RSA key, different private key.
                Bearer(issuer.Mint("alice", audience, "mcp:tools", key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = issuer.RsaKey.KeyId }));
                break;
            case "unknown-kid": Bearer(issuer.Mint("alice", audience, "mcp:tools", key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = "never-published" })); break;
            case "wrong-issuer": Bearer(issuer.Mint("alice", audience, "mcp:tools", issuer: "https://evil.example.com")); break;
            case "alg-none": Bearer(issuer.MintUnsigned("alice", audience)); break;
            case "garbage": Bearer("not.a.jwt"); break;
            case "no-expiry-key-hs256":
                // A symmetric key nobody published (and HS256 is not an accepted algorithm).
                Bearer(new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Issuer = issuer.Issuer, Audience = audience, Expires = now.AddMinutes(5),
                    Claims = new Dictionary<string, object> { ["sub"] = "alice", ["scope"] = "mcp:tools" },
                    SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256),
                }));
                break;
            case "unknown-api-key": Bearer("mcpk_not-a-configured-key"); break;
            case "revoked-api-key": Bearer(AuthGatewayFixture.RevokedKey); break;
            case "unknown-api-key-header": request.Headers.Add("X-Api-Key", "mcpk_not-a-configured-key"); break;
            case "basic-scheme": request.Headers.TryAddWithoutValidation("Authorization", "Basic YWxpY2U6cGFzc3dvcmQ="); break;
            case "empty-bearer": request.Headers.TryAddWithoutValidation("Authorization", "Bearer "); break;
            case "no-subject": Bearer(issuer.Mint("", audience, "mcp:tools")); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
        using var http = fixture.Anonymous();
        var response = await RawMcp.SendAsync(http, request);
        Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{kind}: {response.Status} {response.Body}");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate).Parameter!;
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("resource_metadata=\"", challenge, StringComparison.Ordinal);
        Assert.Null(response.SessionId);
    }

    [Fact]
    public async Task Rsa_and_ec_tokens_and_api_keys_in_either_header_are_accepted()
    {
        using var http = fixture.Anonymous();
        var credentials = new (string Name, Action<HttpRequestMessage> Apply)[]
        {
            ("rsa", r => AuthGatewayFixture.WithBearer(r, fixture.UserToken("alice"))),
            ("ec", r => AuthGatewayFixture.WithBearer(r, fixture.Issuer.Mint("alice", fixture.Audience, "mcp:tools", key: fixture.Issuer.EcKey))),
            ("bearer key", r => AuthGatewayFixture.WithBearer(r, AuthGatewayFixture.CiKey)),
            ("x-api-key", r => r.Headers.Add("X-Api-Key", AuthGatewayFixture.CiKey)),
            ("uppercase sha256: hash", r => r.Headers.Add("X-Api-Key", AuthGatewayFixture.AdminKey)),
        };
        foreach (var (name, apply) in credentials)
        {
            using var request = RawMcp.Post(fixture.Gateway.McpUri, RawMcp.InitializeBody);
            apply(request);
            var response = await RawMcp.SendAsync(http, request);
            Assert.True(response.Status == HttpStatusCode.OK, $"{name}: {response.Status} {response.Body}");
            Assert.NotNull(response.SessionId);
        }
    }

    [Fact]
    public async Task A_principal_without_the_required_scope_gets_403_insufficient_scope()
    {
        using var http = fixture.Anonymous();
        foreach (var apply in new Action<HttpRequestMessage>[]
        {
            r => AuthGatewayFixture.WithBearer(r, fixture.Issuer.Mint("carol", fixture.Audience, scope: "profile email")),
            r => r.Headers.Add("X-Api-Key", AuthGatewayFixture.NoScopeKey),
        })
        {
            using var request = RawMcp.Post(fixture.Gateway.McpUri, RawMcp.InitializeBody);
            apply(request);
            var response = await RawMcp.SendAsync(http, request);
            Assert.True(response.Status == HttpStatusCode.Forbidden, $"{response.Status} {response.Body}");
            var challenge = Assert.Single(response.Headers.WwwAuthenticate);
            Assert.Equal("Bearer", challenge.Scheme);
            Assert.Contains("error=\"insufficient_scope\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("scope=\"mcp:tools\"", challenge.Parameter, StringComparison.Ordinal);
            Assert.True(response.Messages.Single().GetProperty("error").GetProperty("code").GetInt32() < 0);
        }
    }

    [Fact]
    public async Task Stats_needs_the_admin_scope()
    {
        using var http = fixture.Anonymous();
        using (var none = await http.GetAsync(new Uri("stats", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri("stats", UriKind.Relative)))
        {
            request.Headers.Add("X-Api-Key", AuthGatewayFixture.CiKey);
            using var user = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
            Assert.Contains("scope=\"mcp:admin\"", user.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        }
        var stats = await fixture.Gateway.StatsAsync(); // the fixture's client carries the admin key
        Assert.Equal(2, stats.GetProperty("servers").GetArrayLength());
    }

    private static string Parameter(string parameters, string name)
    {
        var start = parameters.IndexOf(name + "=\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{name} missing in {parameters}");
        start += name.Length + 2;
        return parameters[start..parameters.IndexOf('"', start)];
    }
}
