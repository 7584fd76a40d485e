using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Downstream;

/// <summary>JSON-RPC error codes the gateway uses for downstream failures (server-defined range).</summary>
public static class GatewayErrorCodes
{
    /// <summary>The owning downstream server is not connected (it is reconnecting, failed, or disabled).</summary>
    public const int DownstreamUnavailable = -32001;

    /// <summary>
    /// The downstream did not answer within its request timeout. (Not -32002: MCP reserves that for "resource not
    /// found", which the gateway also answers.)
    /// </summary>
    public const int DownstreamTimeout = -32004;

    /// <summary>The connection to the downstream broke during the request.</summary>
    public const int DownstreamConnectionError = -32003;
}

/// <summary>Builds the errors clients see, always naming the server.</summary>
public static class DownstreamErrors
{
    public static McpProtocolException Unavailable(string server, DownstreamStatus status, string? lastError, DateTimeOffset? nextAttempt) =>
        new($"MCP server '{server}' is unavailable ({status.ToString().ToLowerInvariant()}"
            + (nextAttempt is { } next ? $", next attempt at {next:O}" : "")
            + (lastError is null ? ")" : $"; last error: {lastError})"), (McpErrorCode)GatewayErrorCodes.DownstreamUnavailable);

    public static McpProtocolException Timeout(string server, TimeSpan timeout) =>
        new($"MCP server '{server}' did not answer within {timeout.TotalSeconds:0.###} s.", (McpErrorCode)GatewayErrorCodes.DownstreamTimeout);

    public static McpProtocolException Connection(string server, string detail) =>
        new($"Connection to MCP server '{server}' failed during the request: {detail}", (McpErrorCode)GatewayErrorCodes.DownstreamConnectionError);

    public static McpProtocolException UnknownTool(string name) =>
        new($"Unknown tool '{name}'.", McpErrorCode.InvalidParams);

    public static McpProtocolException UnknownPrompt(string name) =>
        new($"Unknown prompt '{name}'.", McpErrorCode.InvalidParams);

    public static McpProtocolException UnknownResource(string uri) =>
        new($"No MCP server behind this gateway serves resource '{uri}'.", McpErrorCode.ResourceNotFound);
}
