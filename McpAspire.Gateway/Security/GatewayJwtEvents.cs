using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.Gateway.Security;

/// <summary>
/// What the gateway adds to JwtBearer's validation: a validated token is remembered per resource
/// (<see cref="JwtTokenCache"/>); the audience must be the resource the request addresses (unless one is configured);
/// the principal is mapped to the gateway's (<c>jwt:{sub}</c>, scopes, roles); a token signed with a key the issuer
/// just published is validated again once the keys are re-read; failures get a sentence a client can act on.
/// </summary>
public sealed class GatewayJwtEvents : JwtBearerEvents
{
    private const string TokenItem = "McpAspire.Gateway.Jwt.Token";

    private readonly JwtBearerSettings _settings;
    private readonly bool _audienceIsConfigured;
    private readonly ProtectedResource _resource;
    private readonly JwtTokenCache _cache;
    private readonly JwtSigningKeys _keys;
    private readonly ILogger<GatewayJwtEvents> _logger;

    /// <summary>Creates the events (one per app: JwtBearer resolves <see cref="AuthenticationSchemeOptions.EventsType"/> from DI).</summary>
    public GatewayJwtEvents(IOptions<GatewayAuthOptions> auth, ProtectedResource resource, JwtTokenCache cache, JwtSigningKeys keys, ILogger<GatewayJwtEvents> logger)
    {
        ArgumentNullException.ThrowIfNull(auth);
        _settings = auth.Value.Jwt;
        _audienceIsConfigured = GatewayJwtBearer.ConfiguredAudienceOf(auth.Value) is not null;
        _resource = resource;
        _cache = cache;
        _keys = keys;
        _logger = logger;
    }

    /// <inheritdoc />
    public override Task MessageReceived(MessageReceivedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // GatewayAuthenticationHandler checked there is exactly one "Bearer <token>" header.
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.Length > 7 ? header[7..].Trim() : "";
        context.Token = token;
        context.HttpContext.Items[TokenItem] = token;
        if (_cache.TryGet(token, _resource.ResourceOf(context.Request), out var principal))
        {
            context.Principal = principal;
            context.Success();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task TokenValidated(TokenValidatedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (principal, failure) = Accept(context.HttpContext, context.Principal?.Identity as ClaimsIdentity, context.SecurityToken);
        if (principal is null)
        {
            context.Fail(failure!);
        }
        else
        {
            context.Principal = principal;
            context.Success();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var exception = context.Exception is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0] : context.Exception;
        if (exception is SecurityTokenSignatureKeyNotFoundException
            && context.HttpContext.Items[TokenItem] is string token
            && await _keys.ReadNowAsync(context.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            // The issuer may have rotated to a key it just published: validate again with the keys read now.
            var (principal, failure) = await RevalidateAsync(context, token).ConfigureAwait(false);
            if (principal is not null)
            {
                context.Principal = principal;
                context.Success();
                return;
            }
            context.Fail(failure!);
            return;
        }
        if (exception is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
        {
            JwtSigningKeys.LogKeysUnavailable(_logger, exception, _keys.Address);
            context.Fail("The issuer's signing keys could not be obtained.");
            return;
        }
        context.Fail(Describe(exception));
    }

    private async Task<(ClaimsPrincipal? Principal, string? Failure)> RevalidateAsync(AuthenticationFailedContext context, string token)
    {
        var configuration = await _keys.GetConfigurationAsync(context.HttpContext.RequestAborted).ConfigureAwait(false);
        var parameters = context.Options.TokenValidationParameters.Clone();
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        var result = await context.Options.TokenHandlers[0].ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        return result.IsValid
            ? Accept(context.HttpContext, result.ClaimsIdentity, result.SecurityToken)
            : (null, Describe(result.Exception));
    }

    // The audience check (when it is per request), the mapping to the gateway's principal, and the cache.
    private (ClaimsPrincipal? Principal, string? Failure) Accept(HttpContext http, ClaimsIdentity? identity, SecurityToken? token)
    {
        if (identity is null || token is null)
        {
            return (null, "The token is not valid.");
        }
        var resource = _resource.ResourceOf(http.Request);
        if (!_audienceIsConfigured && !(token is JsonWebToken jwt && jwt.Audiences.Any(a => SameResource(a, resource))))
        {
            return (null, "The token was not issued for this resource (audience).");
        }
        var principal = Map(identity);
        if (principal is null)
        {
            return (null, "The token has no subject (sub).");
        }
        if (http.Items[TokenItem] is string raw)
        {
            _cache.Add(raw, resource, principal, new DateTimeOffset(DateTime.SpecifyKind(token.ValidTo, DateTimeKind.Utc)));
        }
        return (principal, null);
    }

    private static bool SameResource(string audience, string resource) =>
        string.Equals(audience.TrimEnd('/'), resource.TrimEnd('/'), StringComparison.Ordinal);

    private ClaimsPrincipal? Map(ClaimsIdentity token)
    {
        var subject = token.FindFirst("sub")?.Value ?? token.FindFirst("client_id")?.Value ?? token.FindFirst("azp")?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return null;
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
        return GatewayPrincipal.Create(GatewayPrincipal.JwtPrefix + subject, "Bearer", scopes, roles, extra);
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
        SecurityTokenMalformedException or ArgumentException => "The token is malformed.",
        _ => "The token is not valid.",
    };
}
