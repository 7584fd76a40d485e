using System.Text.Json;
using McpAspire.StateService.Changes;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using McpAspire.StateService.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Api;

/// <summary><c>/catalog/{server}</c>: cached catalog per downstream server, with TTL.</summary>
public static class CatalogEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapCatalogEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/catalog/{server}").WithTags("Catalog cache");
        group.MapPut("/", PutAsync).WithName("PutCatalog");
        group.MapGet("/", GetAsync).WithName("GetCatalog");
        group.MapDelete("/", DeleteAsync).WithName("DeleteCatalog");
        return group;
    }

    private static async Task<Results<Ok<CatalogEntry>, ProblemHttpResult>> PutAsync(
        string server, JsonElement catalog, long? ttlSeconds, CatalogCache cache, ChangeFeed feed, IOptions<StateOptions> options, CancellationToken ct)
    {
        if (ApiValidation.Name(server, "Server name") is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        if (ttlSeconds is < 1 or > 86_400 * 30)
        {
            return ApiResults.BadRequest("ttlSeconds must be between 1 and 2592000.");
        }
        var ttl = ttlSeconds is { } s ? TimeSpan.FromSeconds(s) : options.Value.CatalogTtl;
        var entry = await cache.PutAsync(server, catalog, ttl, ct).ConfigureAwait(false);
        await feed.PublishAsync(StateChangeTypes.CatalogChanged, null, server, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.Ok(entry);
    }

    private static async Task<Results<Ok<CatalogEntry>, ProblemHttpResult>> GetAsync(string server, CatalogCache cache, CancellationToken ct)
    {
        if (ApiValidation.Name(server, "Server name") is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        return await cache.GetAsync(server, ct).ConfigureAwait(false) is { } entry
            ? TypedResults.Ok(entry)
            : ApiResults.NotFound($"No cached catalog for '{server}' (never stored or expired).");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string server, CatalogCache cache, ChangeFeed feed, CancellationToken ct)
    {
        if (ApiValidation.Name(server, "Server name") is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        if (!await cache.DeleteAsync(server, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"No cached catalog for '{server}'.");
        }
        await feed.PublishAsync(StateChangeTypes.CatalogChanged, null, server, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
