using StackExchange.Redis;
using McpAspire.StateService.Background;
using McpAspire.StateService.Client;
using McpAspire.StateService.Storage;
using McpAspire.StateService.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace McpAspire.StateService.Api;

/// <summary><c>/stats</c> (counters and session statistics) and <c>/admin</c> (on-demand sweep and client cleanup).</summary>
public static class AdminEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/stats", (StateMetrics metrics, IConnectionMultiplexer redis) => TypedResults.Ok(metrics.Snapshot(redis.IsConnected)))
            .WithTags("Stats").WithName("GetStats");

        var admin = routes.MapGroup("/admin");
        admin.WithTags("Admin");
        admin.WithRequestTimeout(StateTimeouts.Long);
        admin.MapPost("/sweep", async (SessionSweeper sweeper, CancellationToken ct) =>
        {
            var (expired, removed) = await sweeper.SweepOnceAsync(ct).ConfigureAwait(false);
            return TypedResults.Ok(new { expired, clientsRemoved = removed });
        }).WithName("Sweep");
        admin.MapPost("/cleanup-clients", CleanupClientsAsync).WithName("CleanupExpiredClients");
        return routes;
    }

    private static async Task<Results<Ok<CleanupResult>, ProblemHttpResult>> CleanupClientsAsync(long maxAgeSeconds, ClientStore clients, Changes.ChangeFeed feed, CancellationToken ct)
    {
        if (maxAgeSeconds < 0)
        {
            return ApiResults.BadRequest("maxAgeSeconds must not be negative.");
        }
        var removed = await clients.CleanupAllAsync(TimeSpan.FromSeconds(maxAgeSeconds), 500, ct).ConfigureAwait(false);
        foreach (var (sid, name) in removed)
        {
            await feed.PublishAsync(StateChangeTypes.ClientUnregistered, sid, name, cancellationToken: ct).ConfigureAwait(false);
        }
        return TypedResults.Ok(new CleanupResult(removed.Count));
    }
}
