using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Gateway.Tests.Security;

/// <summary>
/// A small real OAuth issuer on Kestrel: OIDC discovery at <c>/.well-known/openid-configuration</c> and a JWKS at
/// <c>/jwks</c> with an RSA and an EC P-256 key generated for the test run; mints tokens with JsonWebTokenHandler.
/// Keys can be added while it runs (rotation).
/// </summary>
internal sealed class TestIssuer : IAsyncDisposable
{
    private readonly List<SecurityKey> _published = [];
    private readonly Lock _lock = new();
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private KestrelApp _app = null!;

    private TestIssuer()
    {
        RsaKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-1" };
        EcKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };
        _published.Add(RsaKey);
        _published.Add(EcKey);
    }

    public RsaSecurityKey RsaKey { get; }

    public ECDsaSecurityKey EcKey { get; }

    /// <summary>The issuer identifier (no trailing slash).</summary>
    public string Issuer => _app.Address.ToString().TrimEnd('/');

    public string MetadataAddress => Issuer + "/.well-known/openid-configuration";

    public string JwksUri => Issuer + "/jwks";

    /// <summary>How many times the JWKS was fetched.</summary>
    public int JwksFetches;

    public static async Task<TestIssuer> StartAsync()
    {
        var issuer = new TestIssuer();
        issuer._app = await KestrelApp.StartAsync(null, app =>
        {
            app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer.Issuer,
                ["jwks_uri"] = issuer.JwksUri,
                ["authorization_endpoint"] = issuer.Issuer + "/authorize",
                ["token_endpoint"] = issuer.Issuer + "/token",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
            }));
            app.MapGet("/jwks", () =>
            {
                Interlocked.Increment(ref issuer.JwksFetches);
                return Results.Text(issuer.Jwks(), "application/json");
            });
        }, applicationName: "test-issuer");
        return issuer;
    }

    /// <summary>Publishes another signing key (as an issuer does before rotating to it).</summary>
    public void Publish(SecurityKey key)
    {
        lock (_lock)
        {
            _published.Add(key);
        }
    }

    /// <summary>A signed access token (an empty <paramref name="subject"/> leaves out <c>sub</c>).</summary>
    public string Mint(
        string subject,
        string audience,
        string? scope = null,
        string[]? roles = null,
        SecurityKey? key = null,
        string? issuer = null,
        DateTime? notBefore = null,
        DateTime? expires = null)
    {
        key ??= RsaKey;
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>();
        if (subject.Length > 0)
        {
            claims["sub"] = subject;
        }
        if (scope is not null)
        {
            claims["scope"] = scope;
        }
        if (roles is not null)
        {
            claims["roles"] = roles;
        }
        var algorithm = key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public string MintUnsigned(string subject, string audience)
    {
        var now = DateTimeOffset.UtcNow;
        var header = WebEncoders.Base64UrlEncode("""{"alg":"none","typ":"JWT"}"""u8.ToArray());
        var payload = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = audience,
            ["sub"] = subject,
            ["scope"] = "mcp:tools",
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        }));
        return header + "." + payload + ".";
    }

    private string Jwks()
    {
        SecurityKey[] keys;
        lock (_lock)
        {
            keys = [.. _published];
        }
        var json = new StringBuilder("{\"keys\":[");
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            json.Append(JwkOf(keys[i]));
        }
        return json.Append("]}").ToString();
    }

    private static string JwkOf(SecurityKey key)
    {
        switch (key)
        {
            case RsaSecurityKey rsa:
                var p = rsa.Rsa.ExportParameters(false);
                return JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = rsa.KeyId,
                    ["n"] = WebEncoders.Base64UrlEncode(p.Modulus!), ["e"] = WebEncoders.Base64UrlEncode(p.Exponent!),
                });
            case ECDsaSecurityKey ec:
                var q = ec.ECDsa.ExportParameters(false).Q;
                return JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = ec.KeyId, ["crv"] = "P-256",
                    ["x"] = WebEncoders.Base64UrlEncode(q.X!), ["y"] = WebEncoders.Base64UrlEncode(q.Y!),
                });
            default:
                throw new ArgumentException("unsupported key type", nameof(key));
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
