using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace McpAspire.Mcp.Telemetry;

/// <summary>
/// The ActivitySource and Meter of the MCP endpoint, named per the OpenTelemetry MCP semantic conventions:
/// spans <c>{mcp.method.name} {target}</c> with <c>mcp.method.name</c>, <c>mcp.session.id</c>,
/// <c>mcp.protocol.version</c>, <c>jsonrpc.request.id</c>, <c>gen_ai.tool.name</c>; histogram
/// <c>mcp.server.operation.duration</c> in seconds.
/// </summary>
public static class McpTelemetry
{
    /// <summary>Name of the ActivitySource and the Meter.</summary>
    public const string SourceName = "McpAspire.Mcp";

    /// <summary>The server span source.</summary>
    public static readonly ActivitySource ActivitySource = new(SourceName);

    /// <summary>The endpoint meter.</summary>
    public static readonly Meter Meter = new(SourceName);

    /// <summary>Duration of each MCP request handled by the server, in seconds.</summary>
    public static readonly Histogram<double> ServerOperationDuration = Meter.CreateHistogram<double>(
        "mcp.server.operation.duration",
        unit: "s",
        description: "Duration of an MCP request as observed by the server.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    /// <summary>Attribute names of the conventions.</summary>
    public static class Tags
    {
        public const string MethodName = "mcp.method.name";
        public const string SessionId = "mcp.session.id";
        public const string ProtocolVersion = "mcp.protocol.version";
        public const string RequestId = "jsonrpc.request.id";
        public const string ToolName = "gen_ai.tool.name";
        public const string PromptName = "gen_ai.prompt.name";
        public const string ResourceUri = "mcp.resource.uri";
        public const string ErrorType = "error.type";
        public const string RpcResponseStatusCode = "rpc.response.status_code";
        public const string NetworkTransport = "network.transport";
        public const string NetworkProtocolName = "network.protocol.name";
    }
}
