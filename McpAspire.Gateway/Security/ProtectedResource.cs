using Microsoft.Extensions.Options;

namespace McpAspire.Gateway.Security;

/// <summary>
/// The gateway as an OAuth protected resource: its canonical resource URI (configured, or derived from the request)
/// and where its RFC 9728 metadata lives (<c>/.well-known/oauth-protected-resource</c> + the resource's path).
/// </summary>
public sealed class ProtectedResource
{
    /// <summary>Path of the MCP endpoint the resource stands for.</summary>
    public const string McpPath = "/mcp";

    /// <summary>RFC 9728 well-known prefix.</summary>
    public const string WellKnownPath = "/.well-known/oauth-protected-resource";

    private readonly IOptionsMonitor<GatewayAuthOptions> _options;

    /// <summary>Creates the helper.</summary>
    public ProtectedResource(IOptionsMonitor<GatewayAuthOptions> options) => _options = options;

    /// <summary>The resource URI for <paramref name="request"/>.</summary>
    public string ResourceOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var configured = _options.CurrentValue.Resource;
        return string.IsNullOrWhiteSpace(configured)
            ? $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}{McpPath}"
            : configured;
    }

    /// <summary>The metadata URL for <paramref name="request"/>'s resource (the path-suffixed RFC 9728 form).</summary>
    public string MetadataUrlOf(HttpRequest request)
    {
        var resource = new Uri(ResourceOf(request));
        var path = resource.AbsolutePath == "/" ? "" : resource.AbsolutePath.TrimEnd('/');
        return $"{resource.GetLeftPart(UriPartial.Authority)}{WellKnownPath}{path}";
    }
}
