using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Gateway.Security;

/// <summary>The outcome of validating a bearer JWT.</summary>
public readonly record struct JwtResult(ClaimsPrincipal? Principal, string? Failure);

/// <summary>
/// Validates JWT access tokens of the one configured issuer: signature (asymmetric algorithms only, keys from the
/// JWKS or the issuer's metadata, cached and refreshed by IdentityModel's <see cref="ConfigurationManager{T}"/>),
/// issuer, audience (the gateway's resource URI unless configured), lifetime (<c>exp</c> required).
/// </summary>
public sealed partial class JwtTokenValidator : IDisposable
{
    private static readonly string[] s_algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly JwtBearerSettings _settings;
    private readonly string? _configuredAudience;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _keys;
    private readonly HttpClient? _http;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ILogger<JwtTokenValidator> _logger;
    private readonly TimeProvider _time;
    private readonly IConfigurationRetriever<OpenIdConnectConfiguration>? _retriever;
    private readonly HttpDocumentRetriever? _documents;
    private readonly string? _address;
    private readonly SemaphoreSlim _forcedRefresh = new(1, 1);
    private DateTimeOffset _lastForcedRefresh = DateTimeOffset.MinValue;
    // Keys read on demand for an unknown kid, used until the manager's own (background) refresh has them too.
    private volatile OpenIdConnectConfiguration? _fresh;
    // Tokens that validated, by SHA-256 of resource + token: a client sends the same token on every request, and a
    // signature check costs far more than the rest of a cached tools/list. Entries live until the token's expiry, at
    // most CacheLifetime, so a key the issuer withdraws stops working within that time.
    private readonly ConcurrentDictionary<string, CachedToken> _validated = new(StringComparer.Ordinal);

    /// <summary>How long a validated token is trusted without checking its signature again.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Validated tokens kept at most; the cache is emptied when it would grow past this.</summary>
    public const int CacheCapacity = 10_000;

    private sealed record CachedToken(ClaimsPrincipal Principal, DateTimeOffset Until);

    /// <summary>Creates the validator (inactive when no issuer is configured).</summary>
    public JwtTokenValidator(IOptions<GatewayAuthOptions> options, ILogger<JwtTokenValidator> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _time = time;
        var auth = options.Value;
        _settings = auth.Jwt;
        _configuredAudience = string.IsNullOrWhiteSpace(auth.Jwt.Audience) ? auth.Resource : auth.Jwt.Audience;
        if (!auth.JwtEnabled)
        {
            return;
        }
        var address = _address = KeySourceOf(auth.Jwt);
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var documents = _documents = new HttpDocumentRetriever(_http) { RequireHttps = auth.Jwt.RequireHttpsMetadata && !IsLoopback(address) };
        var retriever = _retriever = string.IsNullOrWhiteSpace(auth.Jwt.JwksUri)
            ? new OpenIdConnectConfigurationRetriever()
            : (IConfigurationRetriever<OpenIdConnectConfiguration>)new JwksConfigurationRetriever();
        _keys = new ConfigurationManager<OpenIdConnectConfiguration>(address, retriever, documents)
        {
            AutomaticRefreshInterval = auth.Jwt.KeyRefreshInterval,
            RefreshInterval = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>True when JWTs are accepted.</summary>
    public bool Enabled => _keys is not null;

    /// <summary>Where signing keys come from: the JWKS URL, the metadata URL, or the issuer's OIDC discovery document.</summary>
    public static string KeySourceOf(JwtBearerSettings jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        if (!string.IsNullOrWhiteSpace(jwt.JwksUri))
        {
            return jwt.JwksUri;
        }
        if (!string.IsNullOrWhiteSpace(jwt.MetadataAddress))
        {
            return jwt.MetadataAddress;
        }
        return jwt.Issuer!.TrimEnd('/') + "/.well-known/openid-configuration";
    }

    /// <summary>True for http(s) URLs on a loopback host, where plain http is allowed.</summary>
    public static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>Validates <paramref name="token"/> for <paramref name="resource"/> (the audience unless one is configured).</summary>
    public async Task<JwtResult> ValidateAsync(string token, string resource, CancellationToken cancellationToken)
    {
        if (_keys is null)
        {
            return new JwtResult(null, "Bearer JWTs are not accepted by this gateway.");
        }
        var cacheKey = CacheKey(token, resource);
        var now = _time.GetUtcNow();
        if (_validated.TryGetValue(cacheKey, out var cached))
        {
            if (now < cached.Until)
            {
                return new JwtResult(Copy(cached.Principal), null);
            }
            _validated.TryRemove(cacheKey, out _);
        }
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _keys.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
        {
            LogKeysUnavailable(_logger, ex, KeySourceOf(_settings));
            return new JwtResult(null, "The issuer's signing keys could not be obtained.");
        }
        var result = await _handler.ValidateTokenAsync(token, Parameters(configuration, resource)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException && await RefreshKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            // The issuer may have rotated its keys: validate again with the keys just read.
            result = await _handler.ValidateTokenAsync(token, Parameters(configuration, resource)).ConfigureAwait(false);
        }
        if (!result.IsValid)
        {
            return new JwtResult(null, Describe(result.Exception));
        }
        var validated = Principal(result.ClaimsIdentity);
        if (validated.Principal is { } principal && result.SecurityToken is { } securityToken)
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
            var until = expires < now + CacheLifetime ? expires : now + CacheLifetime;
            if (_validated.Count >= CacheCapacity)
            {
                _validated.Clear();
            }
            _validated[cacheKey] = new CachedToken(Copy(principal), until);
        }
        return validated;
    }

    // ClaimsPrincipal.Clone shares its identities; each request gets identities of its own.
    private static ClaimsPrincipal Copy(ClaimsPrincipal principal) => new(principal.Identities.Select(i => i.Clone()));

    private static string CacheKey(string token, string resource)
    {
        var bytes = Encoding.UTF8.GetBytes(resource + "\n" + token);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return Convert.ToBase64String(digest);
    }

    /// <summary>
    /// Reads the keys now (an unknown <c>kid</c>), at most once per 30 s whatever the traffic; IdentityModel's own
    /// <see cref="ConfigurationManager{T}.RequestRefresh"/> refreshes in the background and would answer this request
    /// with the old keys. True when new keys were read.
    /// </summary>
    private async Task<bool> RefreshKeysAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now - _lastForcedRefresh < TimeSpan.FromSeconds(30) || !await _forcedRefresh.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        try
        {
            _lastForcedRefresh = now;
            _fresh = await _retriever!.GetConfigurationAsync(_address!, _documents!, cancellationToken).ConfigureAwait(false);
            _keys!.RequestRefresh();
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException or ArgumentException)
        {
            LogKeysUnavailable(_logger, ex, _address!);
            return false;
        }
        finally
        {
            _forcedRefresh.Release();
        }
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration, string resource) => new()
    {
        ValidIssuer = _settings.Issuer,
        ValidAudience = _configuredAudience ?? resource,
        // Keys read on demand count only briefly: by then the manager's background refresh has the issuer's current set
        // (so a key the issuer withdrew stops working).
        IssuerSigningKeys = _fresh is { } fresh && _time.GetUtcNow() - _lastForcedRefresh < TimeSpan.FromMinutes(5)
            ? configuration.SigningKeys.Concat(fresh.SigningKeys)
            : configuration.SigningKeys,
        ValidAlgorithms = s_algorithms,
        ClockSkew = _settings.ClockSkew,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateLifetime = true,
        ValidateIssuer = true,
        ValidateAudience = true,
    };

    private JwtResult Principal(ClaimsIdentity token)
    {
        var subject = token.FindFirst("sub")?.Value ?? token.FindFirst("client_id")?.Value ?? token.FindFirst("azp")?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return new JwtResult(null, "The token has no subject (sub).");
        }
        var scopes = new List<string>();
        foreach (var type in _settings.ScopeClaims)
        {
            foreach (var claim in token.FindAll(type))
            {
                scopes.AddRange(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }
        var roles = new List<string>();
        foreach (var type in _settings.RoleClaims)
        {
            roles.AddRange(token.FindAll(type).Select(c => c.Value));
        }
        var extra = new List<Claim> { new("sub", subject), new("iss", _settings.Issuer!) };
        if ((token.FindFirst("client_id") ?? token.FindFirst("azp")) is { } client)
        {
            extra.Add(new Claim("client_id", client.Value));
        }
        return new JwtResult(GatewayPrincipal.Create(GatewayPrincipal.JwtPrefix + subject, "Bearer", scopes, roles, extra), null);
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry (exp).",
        SecurityTokenInvalidAudienceException => "The token was not issued for this resource (audience).",
        SecurityTokenInvalidIssuerException => "The token's issuer is not trusted.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
        SecurityTokenMalformedException => "The token is malformed.",
        _ => "The token is not valid.",
    };

    /// <inheritdoc />
    public void Dispose()
    {
        _http?.Dispose();
        _forcedRefresh.Dispose();
    }

    [LoggerMessage(1, LogLevel.Warning, "Signing keys could not be read from {Address}")]
    private static partial void LogKeysUnavailable(ILogger logger, Exception exception, string address);
}
