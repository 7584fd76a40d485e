using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>Scheme options (everything real lives in <see cref="GatewayAuthOptions"/>).</summary>
public sealed class GatewayAuthenticationSchemeOptions : AuthenticationSchemeOptions;

/// <summary>
/// Authenticates a request from <c>Authorization: Bearer</c> (a JWT, or an API key starting with <c>mcpk_</c>) or
/// <c>X-Api-Key</c> (JWTs through the JwtBearer scheme <see cref="GatewayJwtBearer.Scheme"/>); with nothing presented, the anonymous principal when enabled. Challenges answer 401 with
/// <c>WWW-Authenticate: Bearer resource_metadata="…"</c> (and <c>error="invalid_token"</c> when a credential was presented
/// but bad); forbids answer 403 <c>error="insufficient_scope"</c>. Bodies are JSON-RPC errors. Tokens in the query string
/// are never read (the MCP authorization spec forbids them).
/// </summary>
public sealed class GatewayAuthenticationHandler : AuthenticationHandler<GatewayAuthenticationSchemeOptions>
{
    /// <summary>Header for API keys (besides <c>Authorization: Bearer mcpk_…</c>).</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary><see cref="AuthenticationProperties"/> item naming the scopes a 403 asks for.</summary>
    public const string RequiredScopeItem = "scope";

    private readonly IOptionsMonitor<GatewayAuthOptions> _auth;
    private readonly ApiKeyAuthenticator _apiKeys;
    private readonly ProtectedResource _resource;

    /// <summary>Creates the handler.</summary>
    public GatewayAuthenticationHandler(
        IOptionsMonitor<GatewayAuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        IOptionsMonitor<GatewayAuthOptions> auth,
        ApiKeyAuthenticator apiKeys,
        ProtectedResource resource)
        : base(options, logger, encoder)
    {
        _auth = auth;
        _apiKeys = apiKeys;
        _resource = resource;
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization;
        var apiKey = Request.Headers[ApiKeyHeader];
        if (authorization.Count > 1 || apiKey.Count > 1)
        {
            return AuthenticateResult.Fail("Send one credential.");
        }
        if (authorization.Count == 1 && apiKey.Count == 1)
        {
            return AuthenticateResult.Fail("Send either Authorization or X-Api-Key, not both.");
        }
        if (apiKey.Count == 1)
        {
            return FromApiKey(apiKey.ToString());
        }
        if (authorization.Count == 0)
        {
            var options = _auth.CurrentValue;
            return options.AllowAnonymous
                ? Success(AnonymousPrincipalOf(options))
                : AuthenticateResult.NoResult();
        }
        var value = authorization.ToString();
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Only the Bearer scheme is accepted.");
        }
        var token = value.AsSpan(7).Trim();
        if (token.IsEmpty)
        {
            return AuthenticateResult.Fail("The bearer token is empty.");
        }
        if (token.StartsWith(ApiKeyHasher.KeyPrefix, StringComparison.Ordinal))
        {
            return FromApiKey(token);
        }
        if (!_auth.CurrentValue.JwtEnabled)
        {
            return AuthenticateResult.Fail("Bearer JWTs are not accepted by this gateway.");
        }
        // ASP.NET Core's JwtBearer handler validates it (GatewayJwtBearer, GatewayJwtEvents).
        var jwt = await Context.AuthenticateAsync(GatewayJwtBearer.Scheme).ConfigureAwait(false);
        return jwt switch
        {
            { Succeeded: true } => Success(jwt.Principal),
            { Failure: { } failure } => AuthenticateResult.Fail(failure.Message),
            _ => AuthenticateResult.Fail("The token is not valid."),
        };
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var header = new StringBuilder("Bearer resource_metadata=\"").Append(_resource.MetadataUrlOf(Request)).Append('"');
        string message;
        if (result.Failure is { } failure)
        {
            header.Append(", error=\"invalid_token\", error_description=\"").Append(Quoted(failure.Message)).Append('"');
            message = "Unauthorized: " + failure.Message;
        }
        else
        {
            message = "Unauthorized: this MCP endpoint needs a bearer token or API key (see the resource metadata in WWW-Authenticate).";
        }
        if (_auth.CurrentValue.RequiredScopes is { Count: > 0 } required)
        {
            header.Append(", scope=\"").Append(string.Join(' ', required)).Append('"');
        }
        await WriteAsync(StatusCodes.Status401Unauthorized, header.ToString(), message).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var scope = properties.Items.TryGetValue(RequiredScopeItem, out var s) ? s ?? "" : "";
        var header = $"Bearer error=\"insufficient_scope\", scope=\"{Quoted(scope)}\", resource_metadata=\"{_resource.MetadataUrlOf(Request)}\"";
        return WriteAsync(StatusCodes.Status403Forbidden, header, $"Forbidden: this needs the scope(s) '{scope}'.");
    }

    private AuthenticateResult FromApiKey(ReadOnlySpan<char> key)
    {
        if (!_apiKeys.HasKeys)
        {
            return AuthenticateResult.Fail("API keys are not accepted by this gateway.");
        }
        var result = _apiKeys.Authenticate(key);
        return result.Principal is { } principal ? Success(principal) : AuthenticateResult.Fail(result.Failure!);
    }

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));

    // Worked out once per options instance (a reload brings a new one): anonymous requests are the local hot path.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<GatewayAuthOptions, string[]> s_anonymousScopes = [];

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<GatewayAuthOptions, System.Security.Claims.ClaimsPrincipal> s_anonymousPrincipals = [];

    // One principal per options instance, shared by every anonymous request (nothing in the gateway changes a principal
    // after authentication): it saved ~1 KiB of claims per request on the local hot path.
    private static System.Security.Claims.ClaimsPrincipal AnonymousPrincipalOf(GatewayAuthOptions options) =>
        s_anonymousPrincipals.GetValue(options, static o => GatewayPrincipal.Create(GatewayPrincipal.AnonymousId, "Anonymous", AnonymousScopesOf(o), []));

    private static string[] AnonymousScopesOf(GatewayAuthOptions options) =>
        s_anonymousScopes.GetValue(options, static o => [.. AnonymousScopes(o).Distinct(StringComparer.Ordinal)]);

    /// <summary>The anonymous principal's scopes: configured, or every scope the gateway knows.</summary>
    public static IEnumerable<string> AnonymousScopes(GatewayAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AnonymousScopes ?? KnownScopes(options);
    }

    /// <summary>Every scope the configuration mentions: required, admin, rules, and the extra advertised ones.</summary>
    public static IEnumerable<string> KnownScopes(GatewayAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.RequiredScopes
            .Append(options.AdminScope)
            .Concat(options.Rules.SelectMany(r => r.Scopes))
            .Concat(options.ScopesSupported)
            .Where(s => !string.IsNullOrWhiteSpace(s) && s != "*")
            .Distinct(StringComparer.Ordinal);
    }

    // Header parameter values are quoted strings: no quotes or backslashes inside.
    private static string Quoted(string value) => value.Replace('"', '\'').Replace('\\', '/');

    private async Task WriteAsync(int status, string wwwAuthenticate, string message)
    {
        if (Response.HasStarted)
        {
            return;
        }
        Response.StatusCode = status;
        Response.Headers.WWWAuthenticate = wwwAuthenticate;
        Response.Headers.CacheControl = "no-store";
        Response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNull("id");
            writer.WriteStartObject("error");
            writer.WriteNumber("code", -32000);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        Response.ContentLength = buffer.WrittenCount;
        await Response.Body.WriteAsync(buffer.WrittenMemory, Context.RequestAborted).ConfigureAwait(false);
    }
}
