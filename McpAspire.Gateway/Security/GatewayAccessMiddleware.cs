using McpAspire.Gateway.Front;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>
/// Guards the paths that need a principal: <c>/mcp</c> and below (every method, the SDK's legacy SSE pair included),
/// the earlier legacy SSE pair (<c>/sse</c>, <c>/message</c>), and <c>/stats</c> (admin
/// scope). Only there is a principal required, so <c>/health</c>, <c>/alive</c> and <c>/.well-known</c> stay anonymous. No principal → 401 challenge; a principal without the required scopes → 403 insufficient_scope.
/// </summary>
public sealed class GatewayAccessMiddleware
{
    private static readonly PathString s_stats = "/stats";
    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<GatewayAuthOptions> _auth;
    private readonly PathString _mcp = ProtectedResource.McpPath;
    private readonly PathString _legacySse = LegacySsePaths.RootSsePath;
    private readonly PathString _legacyMessage = LegacySsePaths.RootMessagePath;

    /// <summary>Creates the middleware.</summary>
    public GatewayAccessMiddleware(RequestDelegate next, IOptionsMonitor<GatewayAuthOptions> auth)
    {
        _next = next;
        _auth = auth;
    }

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        var isStats = path.Equals(s_stats, StringComparison.OrdinalIgnoreCase);
        var isMcp = path.StartsWithSegments(_mcp, StringComparison.OrdinalIgnoreCase)
            || path.Equals(_legacySse, StringComparison.OrdinalIgnoreCase)
            || path.Equals(_legacyMessage, StringComparison.OrdinalIgnoreCase);
        if (!isStats && !isMcp)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }
        // The authentication middleware (added with the scheme as default) has usually authenticated already; asking
        // again would build a second ticket per request.
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            var result = await context.AuthenticateAsync(GatewayPrincipal.Scheme).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                await context.ChallengeAsync(GatewayPrincipal.Scheme).ConfigureAwait(false);
                return;
            }
            user = result.Principal;
            context.User = user;
        }
        var options = _auth.CurrentValue;
        var missing = isStats
            ? (GatewayPrincipal.HasScope(user, options.AdminScope) ? null : options.AdminScope)
            : MissingScopes(user, options.RequiredScopes);
        if (missing is not null)
        {
            var properties = new AuthenticationProperties();
            properties.Items[GatewayAuthenticationHandler.RequiredScopeItem] = missing;
            await context.ForbidAsync(GatewayPrincipal.Scheme, properties).ConfigureAwait(false);
            return;
        }
        await _next(context).ConfigureAwait(false);
    }

    private static string? MissingScopes(System.Security.Claims.ClaimsPrincipal user, IList<string> required)
    {
        foreach (var scope in required)
        {
            if (!GatewayPrincipal.HasScope(user, scope))
            {
                // The challenge names every required scope, so a client can ask for them all at once (step-up).
                return string.Join(' ', required);
            }
        }
        return null;
    }
}
