using McpAspire.StateService.Changes;
using McpAspire.StateService.Client;
using McpAspire.StateService.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace McpAspire.StateService.Api;

/// <summary><c>/sessions/{sid}/clients</c>: MCP client state of a session.</summary>
public static class ClientEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapClientEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sessions/{sid}/clients").WithTags("MCP clients").AddEndpointFilter<PrincipalFilter>();

        group.MapGet("/", ListAsync).WithName("ListClients");
        group.MapPost("/cleanup", CleanupAsync).WithName("CleanupSessionClients");
        group.MapPut("/{name}", RegisterAsync).WithName("RegisterClient");
        group.MapGet("/{name}", GetAsync).WithName("GetClient");
        group.MapDelete("/{name}", UnregisterAsync).WithName("UnregisterClient");
        group.MapPost("/{name}/active", MarkActiveAsync).WithName("MarkClientActive");
        group.MapPut("/{name}/tool-count", UpdateToolCountAsync).WithName("UpdateClientToolCount");
        group.MapPut("/{name}/status", SetStatusAsync).WithName("SetClientStatus");
        group.MapPatch("/{name}/metadata", SetMetadataAsync).WithName("SetClientMetadata");
        // One downstream's change applied to its record in many sessions (the gateway's live sessions): one request.
        routes.MapPost("/clients/batch-update", UpdateManyAsync).WithTags("MCP clients").WithName("UpdateClientsBatch").AddEndpointFilter<PrincipalFilter>();
        return group;
    }

    private static async Task<Results<Ok<ClientBatchUpdateResult>, ProblemHttpResult>> UpdateManyAsync(HttpContext http, ClientBatchUpdateRequest request, ClientStore clients, CancellationToken ct)
    {
        // Session ids and names become Redis keys: the same rules as in the routes (no braces, no separators).
        var error = ApiValidation.Name(request.Name ?? "", "name")
            ?? (request.SessionIds is null or { Count: 0 } ? "sessionIds must name at least one session."
                : request.SessionIds.Count > ClientBatchLimits.MaxSessions ? $"sessionIds may name at most {ClientBatchLimits.MaxSessions} sessions."
                : request.SessionIds.Select(id => ApiValidation.SessionId(id ?? "")).FirstOrDefault(e => e is not null))
            ?? (request.Status is null && request.ToolCount is null && request.DownstreamSessionId is null ? "Give at least one of status, toolCount, downstreamSessionId." : null)
            ?? (request.Status is null ? null : ApiValidation.Status(request.Status))
            ?? (request.ToolCount is < 0 ? "toolCount must not be negative." : null)
            ?? (request.DownstreamSessionId is { Length: > 256 } ? "downstreamSessionId is longer than 256 characters." : null);
        if (error is not null)
        {
            return ApiResults.BadRequest(error);
        }
        var (updated, notFound) = await clients.UpdateManyAsync(PrincipalFilter.Principal(http), request.SessionIds!.Distinct(StringComparer.Ordinal).ToList(),
            request.Name!, request.Status, request.ToolCount, request.DownstreamSessionId, ct).ConfigureAwait(false);
        return TypedResults.Ok(new ClientBatchUpdateResult(updated, notFound));
    }

    private static async Task<Results<Ok<McpClientRecord>, ProblemHttpResult>> RegisterAsync(
        HttpContext http, string sid, string name, RegisterClientRequest request, ClientStore clients, ChangeFeed feed, CancellationToken ct)
    {
        var error = ApiValidation.Endpoint(request.Endpoint)
            ?? (request.Status is null ? null : ApiValidation.Status(request.Status))
            ?? (request.ToolCount is < 0 ? "toolCount must not be negative." : null)
            ?? (request.DownstreamSessionId is { Length: > 256 } ? "downstreamSessionId is longer than 256 characters." : null)
            ?? ApiValidation.Attributes(request.Metadata, "metadata");
        if (error is not null)
        {
            return ApiResults.BadRequest(error);
        }
        var record = await clients.RegisterAsync(PrincipalFilter.Principal(http), sid, name, request, ct).ConfigureAwait(false);
        if (record is null)
        {
            return ApiResults.SessionNotFound(sid);
        }
        await feed.PublishAsync(StateChangeTypes.ClientRegistered, sid, name, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.Ok(record);
    }

    private static async Task<Results<Ok<McpClientRecord>, ProblemHttpResult>> GetAsync(HttpContext http, string sid, string name, ClientStore clients, CancellationToken ct)
    {
        var (outcome, record) = await clients.GetAsync(PrincipalFilter.Principal(http), sid, name, ct).ConfigureAwait(false);
        return outcome == ClientOutcome.Ok ? TypedResults.Ok(record!) : NotFound(outcome, sid, name);
    }

    private static async Task<Results<Ok<List<McpClientRecord>>, ProblemHttpResult>> ListAsync(HttpContext http, string sid, ClientStore clients, CancellationToken ct) =>
        await clients.ListAsync(PrincipalFilter.Principal(http), sid, ct).ConfigureAwait(false) is { } list
            ? TypedResults.Ok(list)
            : ApiResults.SessionNotFound(sid);

    private static async Task<Results<NoContent, ProblemHttpResult>> UnregisterAsync(HttpContext http, string sid, string name, ClientStore clients, ChangeFeed feed, CancellationToken ct)
    {
        var outcome = await clients.UnregisterAsync(PrincipalFilter.Principal(http), sid, name, ct).ConfigureAwait(false);
        if (outcome != ClientOutcome.Ok)
        {
            return NotFound(outcome, sid, name);
        }
        await feed.PublishAsync(StateChangeTypes.ClientUnregistered, sid, name, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkActiveAsync(HttpContext http, string sid, string name, ClientStore clients, CancellationToken ct) =>
        Done(await clients.MarkActiveAsync(PrincipalFilter.Principal(http), sid, name, ct).ConfigureAwait(false), sid, name);

    private static async Task<Results<NoContent, ProblemHttpResult>> UpdateToolCountAsync(HttpContext http, string sid, string name, ToolCountRequest request, ClientStore clients, CancellationToken ct) =>
        request.ToolCount < 0
            ? ApiResults.BadRequest("toolCount must not be negative.")
            : Done(await clients.UpdateToolCountAsync(PrincipalFilter.Principal(http), sid, name, request.ToolCount, ct).ConfigureAwait(false), sid, name);

    private static async Task<Results<NoContent, ProblemHttpResult>> SetStatusAsync(HttpContext http, string sid, string name, ClientStatusRequest request, ClientStore clients, CancellationToken ct)
    {
        if (ApiValidation.Status(request.Status) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        if (request.DownstreamSessionId is { Length: > 256 })
        {
            return ApiResults.BadRequest("downstreamSessionId is longer than 256 characters.");
        }
        return Done(await clients.SetStatusAsync(PrincipalFilter.Principal(http), sid, name, request.Status, request.DownstreamSessionId, ct).ConfigureAwait(false), sid, name);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetMetadataAsync(HttpContext http, string sid, string name, Dictionary<string, string?> changes, ClientStore clients, CancellationToken ct)
    {
        if (ApiValidation.Attributes(changes, "metadata") is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        return Done(await clients.SetMetadataAsync(PrincipalFilter.Principal(http), sid, name, changes, ct).ConfigureAwait(false), sid, name);
    }

    private static async Task<Results<Ok<CleanupResult>, ProblemHttpResult>> CleanupAsync(HttpContext http, string sid, long maxAgeSeconds, ClientStore clients, ChangeFeed feed, CancellationToken ct)
    {
        if (maxAgeSeconds < 0)
        {
            return ApiResults.BadRequest("maxAgeSeconds must not be negative.");
        }
        var removed = await clients.CleanupSessionAsync(PrincipalFilter.Principal(http), sid, TimeSpan.FromSeconds(maxAgeSeconds), ct).ConfigureAwait(false);
        if (removed is null)
        {
            return ApiResults.SessionNotFound(sid);
        }
        foreach (var name in removed)
        {
            await feed.PublishAsync(StateChangeTypes.ClientUnregistered, sid, name, cancellationToken: ct).ConfigureAwait(false);
        }
        return TypedResults.Ok(new CleanupResult(removed.Count));
    }

    private static Results<NoContent, ProblemHttpResult> Done(ClientOutcome outcome, string sid, string name) =>
        outcome == ClientOutcome.Ok ? TypedResults.NoContent() : NotFound(outcome, sid, name);

    private static ProblemHttpResult NotFound(ClientOutcome outcome, string sid, string name) =>
        outcome == ClientOutcome.SessionNotFound
            ? ApiResults.SessionNotFound(sid)
            : ApiResults.NotFound($"Session '{sid}' has no MCP client '{name}'.");
}
