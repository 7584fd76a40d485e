using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Gateway.Security;

/// <summary>
/// Configures ASP.NET Core's JwtBearer handler as the gateway's JWT validator (scheme <see cref="Scheme"/>, called by
/// <see cref="GatewayAuthenticationHandler"/> for a bearer token that is not an API key): exactly the configured issuer,
/// <c>exp</c> required, asymmetric signatures only (RS/PS/ES 256–512; <c>alg: none</c> and HS* refused), keys from
/// <see cref="JwtSigningKeys"/>. The audience is the configured one, else the resource each request addresses, which
/// only a request knows, so <see cref="GatewayJwtEvents"/> checks it.
/// </summary>
public sealed class GatewayJwtBearer : IConfigureNamedOptions<JwtBearerOptions>
{
    /// <summary>The JwtBearer scheme's name (not a default scheme: the gateway's own handler decides when it runs).</summary>
    public const string Scheme = "GatewayJwt";

    private static readonly string[] s_algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly GatewayAuthOptions _auth;
    private readonly JwtSigningKeys _keys;

    /// <summary>Creates the configurator.</summary>
    public GatewayJwtBearer(IOptions<GatewayAuthOptions> auth, JwtSigningKeys keys)
    {
        ArgumentNullException.ThrowIfNull(auth);
        _auth = auth.Value;
        _keys = keys;
    }

    /// <summary>The audience every token must carry, when one is configured (else the request's resource).</summary>
    public static string? ConfiguredAudienceOf(GatewayAuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        return string.IsNullOrWhiteSpace(auth.Jwt.Audience)
            ? string.IsNullOrWhiteSpace(auth.Resource) ? null : auth.Resource
            : auth.Jwt.Audience;
    }

    /// <inheritdoc />
    public void Configure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name != Scheme || !_auth.JwtEnabled)
        {
            return;
        }
        var audience = ConfiguredAudienceOf(_auth);
        options.ConfigurationManager = _keys;
        options.MapInboundClaims = false;
        options.RefreshOnIssuerKeyNotFound = true;
        options.EventsType = typeof(GatewayJwtEvents);
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = _auth.Jwt.Issuer,
            ValidateIssuer = true,
            ValidAudience = audience,
            ValidateAudience = audience is not null,
            ValidAlgorithms = s_algorithms,
            ClockSkew = _auth.Jwt.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            NameClaimType = "sub",
        };
    }

    /// <inheritdoc />
    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
