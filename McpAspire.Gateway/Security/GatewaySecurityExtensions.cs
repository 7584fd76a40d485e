using Microsoft.AspNetCore.Authentication.JwtBearer;
using McpAspire.Gateway.Front;
using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>Registers and maps the gateway's inbound authentication and authorization.</summary>
public static class GatewaySecurityExtensions
{
    /// <summary>Options, validators, the authentication scheme, the access policy and its MCP filters.</summary>
    public static WebApplicationBuilder AddGatewaySecurity(this WebApplicationBuilder builder, IMcpServerBuilder mcp)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(mcp);
        var services = builder.Services;
        services.AddOptions<GatewayAuthOptions>().Bind(builder.Configuration.GetSection(GatewayAuthOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayAuthOptions>, GatewayAuthOptionsValidator>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<JwtSigningKeys>();
        services.AddSingleton<JwtTokenCache>();
        services.AddSingleton<GatewayJwtEvents>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, GatewayJwtBearer>();
        services.AddSingleton<ProtectedResource>();
        services.AddSingleton<AccessPolicy>();
        services.AddAuthentication(GatewayPrincipal.Scheme)
            .AddScheme<GatewayAuthenticationSchemeOptions, GatewayAuthenticationHandler>(GatewayPrincipal.Scheme, null)
            .AddJwtBearer(GatewayJwtBearer.Scheme, static _ => { });
        // Lists that differ per principal must not be cached as shared (2026-07-28 cacheScope).
        services.AddOptions<ListResultCachingOptions>().PostConfigure<IOptions<GatewayAuthOptions>>((endpoint, auth) =>
        {
            if (auth.Value.ListsDifferByPrincipal)
            {
                endpoint.ListResultsArePublic = false;
            }
        });
        mcp.WithGatewayAccessFilters();
        return builder;
    }

    /// <summary>The guard middleware (before the endpoints run) and the protected resource metadata.</summary>
    public static WebApplication UseGatewaySecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<GatewayAccessMiddleware>();
        app.MapProtectedResourceMetadata();
        return app;
    }
}
