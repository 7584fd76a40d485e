using Microsoft.AspNetCore.Http;

namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>How a service that calls <c>RequireServiceKey</c> answers callers without a valid key.</summary>
public sealed class ServiceKeyEndpointOptions
{
    /// <summary>
    /// Paths (and everything under them) answered without a key: by default <c>/health</c> and <c>/alive</c>, which the
    /// AppHost and orchestrators probe and whose JSON holds check names, states and durations only.
    /// </summary>
    public IList<PathString> OpenPaths { get; } = ["/health", "/alive"];

    /// <summary>
    /// Paths (and everything under them) that speak JSON-RPC, such as an MCP endpoint: a rejection there is a 401 whose body
    /// is a JSON-RPC error object. Everywhere else it is a 401 problem+json.
    /// </summary>
    public IList<PathString> JsonRpcPaths { get; } = [];
}
