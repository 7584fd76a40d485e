using System.ComponentModel.DataAnnotations;

namespace McpAspire.Mcp.Hosting;

/// <summary>Settings of the MCP HTTP endpoint (configuration section <c>Mcp:Endpoint</c>).</summary>
public sealed class McpEndpointOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Mcp:Endpoint";

    /// <summary>
    /// Host names (without port) requests may address besides loopback (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>),
    /// which are always allowed. <c>*</c> turns the Host check off (behind a trusted proxy or in a container network).
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Origins (scheme://host[:port]) browsers may call from, besides loopback origins. <c>*</c> allows any. Requests
    /// without an Origin header (non-browser clients) are always allowed.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Largest accepted request body in bytes; larger bodies get 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Deepest accepted JSON nesting; deeper bodies get a parse error (-32700).</summary>
    [Range(4, 256)]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>A session unused this long is pruned (store record and live server).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often a live session re-validates itself against the session store (and slides its TTL).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SessionTouchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often idle sessions are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Streams kept per session by the in-memory event store (every request POST opens one; oldest finished dropped first).</summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerSession { get; set; } = 256;

    /// <summary>Events kept per stream by the in-memory event store (oldest dropped first).</summary>
    [Range(1, 1_000_000)]
    public int MaxEventsPerStream { get; set; } = 1000;

    /// <summary>
    /// Answer a POST with a plain <c>application/json</c> body when the exchange is a single response (no progress,
    /// logging or server→client request before it); otherwise stream <c>text/event-stream</c>. When false, every
    /// request POST is answered with an SSE stream (with a resumable priming event).
    /// </summary>
    public bool JsonResponses { get; set; }

    /// <summary>Serve the legacy HTTP+SSE transport (2024-11-05) at <see cref="LegacySsePath"/> and <see cref="LegacyMessagePath"/>.</summary>
    public bool EnableLegacySse { get; set; } = true;

    /// <summary>Path of the legacy SSE stream.</summary>
    public string LegacySsePath { get; set; } = "/sse";

    /// <summary>Path legacy clients POST messages to (with <c>?sessionId=</c>).</summary>
    public string LegacyMessagePath { get; set; } = "/message";

    /// <summary>Retry interval advertised to SSE clients when a stream is closed for polling.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SseRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// 2026-07-28 caching hint (<c>ttlMs</c>) put on tools/prompts/resources/templates list results; null leaves the SDK's
    /// default (0, i.e. do not cache). Use it when the lists are the same for every caller.
    /// </summary>
    public TimeSpan? ListResultTimeToLive { get; set; }

    /// <summary><c>cacheScope</c> put on list results together with <see cref="ListResultTimeToLive"/>: true for <c>public</c>.</summary>
    public bool ListResultsArePublic { get; set; }

    /// <summary>
    /// How many long-lived stateless servers share the 2026-07-28 requests (each SDK server reads its messages in one
    /// loop); 0 picks twice the processor count.
    /// </summary>
    [Range(0, 256)]
    public int StatelessServers { get; set; }
}
