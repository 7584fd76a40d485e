using McpAspire.Gateway.Downstream;
using McpAspire.Gateway.Front;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Diagnostics;

/// <summary>
/// One downstream in <c>/stats</c> (<c>DedicatedSessions</c>: per-session downstream sessions open, HTTP only;
/// <c>StatelessForwarding</c>: 2026-07-28 tool calls go to it without the session now).
/// </summary>
public sealed record DownstreamReport(
    string Name,
    string Transport,
    string Status,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? ConnectedAt,
    double UptimeSeconds,
    string? DownstreamSessionId,
    string? ServerName,
    string? ServerVersion,
    int Tools,
    int Prompts,
    int Resources,
    int ResourceTemplates,
    DownstreamStatsSnapshot Requests,
    int DedicatedSessions,
    bool StatelessForwarding);

/// <summary>The whole <c>/stats</c> document (<c>NameCollisions</c>: tools and prompts renamed or hidden because another server has the name).</summary>
public sealed record GatewayReport(long CatalogVersion, int Tools, int Prompts, int Resources, int ResourceTemplates, int ListenStreams, IReadOnlyList<DownstreamReport> Servers,
    IReadOnlyList<McpAspire.Gateway.Catalog.NameCollision> NameCollisions);

/// <summary><c>/stats</c>: per-downstream status and request statistics, and the merged catalog's size.</summary>
public static class GatewayStatsEndpoints
{
    /// <summary>Builds the report.</summary>
    public static GatewayReport Report(DownstreamManager manager, NotificationHub hub)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(hub);
        var catalog = manager.Catalog;
        return new GatewayReport(catalog.Version, catalog.Tools.Count, catalog.Prompts.Count, catalog.Resources.Count, catalog.ResourceTemplates.Count, hub.ListenerCount,
            [.. manager.Connections.Select(c => new DownstreamReport(
                c.Name,
                c.Options.EffectiveTransport.ToString().ToLowerInvariant(),
                c.Status.ToString().ToLowerInvariant(),
                c.LastError,
                c.NextAttemptAt,
                c.ConnectedAt,
                Math.Round(c.Uptime.TotalSeconds, 3),
                c.DownstreamSessionId,
                c.ServerInfo?.Name,
                c.ServerInfo?.Version,
                c.Catalog.Tools.Count,
                c.Catalog.Prompts.Count,
                c.Catalog.Resources.Count,
                c.Catalog.ResourceTemplates.Count,
                c.Stats.Snapshot(),
                c.DedicatedClientCount,
                c.Forwarder is not null))],
            manager.Collisions);
    }

    /// <summary>Maps <c>GET /stats</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayStats(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/stats", (DownstreamManager manager, NotificationHub hub) => TypedResults.Ok(Report(manager, hub))).WithName("GatewayStats");
        return routes;
    }
}
