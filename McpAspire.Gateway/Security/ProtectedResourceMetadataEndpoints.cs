using System.Text.Json;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>
/// RFC 9728 protected resource metadata at <c>/.well-known/oauth-protected-resource</c> and its path-suffixed form
/// <c>/.well-known/oauth-protected-resource/mcp</c> (what <c>WWW-Authenticate</c> points to): the resource URI, the
/// authorization servers, the scopes, and that tokens go in the Authorization header only. Anonymous and CORS-open,
/// because clients read it before they have a token.
/// </summary>
public static class ProtectedResourceMetadataEndpoints
{
    /// <summary>Maps both metadata URLs.</summary>
    public static IEndpointRouteBuilder MapProtectedResourceMetadata(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet(ProtectedResource.WellKnownPath, WriteAsync);
        routes.MapGet(ProtectedResource.WellKnownPath + ProtectedResource.McpPath, WriteAsync);
        return routes;
    }

    private static async Task WriteAsync(HttpContext context, ProtectedResource resource, IOptionsMonitor<GatewayAuthOptions> auth)
    {
        var options = auth.CurrentValue;
        var servers = options.AuthorizationServers.Count > 0
            ? options.AuthorizationServers
            : options.JwtEnabled ? [options.Jwt.Issuer!] : [];
        context.Response.ContentType = "application/json";
        context.Response.Headers.AccessControlAllowOrigin = "*";
        context.Response.Headers.CacheControl = "public, max-age=300";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("resource", resource.ResourceOf(context.Request));
            if (servers.Count > 0)
            {
                writer.WriteStartArray("authorization_servers");
                foreach (var server in servers)
                {
                    writer.WriteStringValue(server);
                }
                writer.WriteEndArray();
            }
            writer.WriteStartArray("scopes_supported");
            foreach (var scope in GatewayAuthenticationHandler.KnownScopes(options))
            {
                writer.WriteStringValue(scope);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("bearer_methods_supported");
            writer.WriteStringValue("header");
            writer.WriteEndArray();
            writer.WriteString("resource_name", "McpAspire gateway");
            writer.WriteEndObject();
        }
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
