using McpAspire.StateService.Client;
using McpAspire.StateService.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace McpAspire.StateService.Api;

/// <summary><c>/connections/{scope}/{owner}</c>: per-user (<c>user</c>) and per-anonymous-session (<c>session</c>) connection state.</summary>
public static class ConnectionEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapConnectionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/connections/{scope}/{owner}").WithTags("Connections");
        group.MapGet("/", GetAllAsync).WithName("GetConnections");
        group.MapDelete("/", DeleteAllAsync).WithName("DeleteConnections");
        group.MapPut("/servers/{server}", PutAsync).WithName("PutServerConnection");
        group.MapGet("/servers/{server}", GetOneAsync).WithName("GetServerConnection");
        group.MapPut("/servers/{server}/status", SetStatusAsync).WithName("SetServerConnectionStatus");
        group.MapDelete("/servers/{server}", DeleteOneAsync).WithName("DeleteServerConnection");
        return group;
    }

    private static string? Validate(string scope, string owner, string? server = null) =>
        !ConnectionScopes.IsValid(scope) ? $"scope must be '{ConnectionScopes.User}' or '{ConnectionScopes.Session}'."
        : ApiValidation.Principal(owner) is { } ownerError ? ownerError.Replace(ApiValidation.PrincipalHeader, "owner", StringComparison.Ordinal)
        : server is null ? null
        : ApiValidation.Name(server, "Server name");

    private static async Task<Results<Ok<List<ServerConnectionState>>, ProblemHttpResult>> GetAllAsync(string scope, string owner, ConnectionStore store, CancellationToken ct) =>
        Validate(scope, owner) is { } error ? ApiResults.BadRequest(error) : TypedResults.Ok(await store.GetAsync(scope, owner, null, ct).ConfigureAwait(false));

    private static async Task<Results<Ok<CleanupResult>, ProblemHttpResult>> DeleteAllAsync(string scope, string owner, ConnectionStore store, CancellationToken ct) =>
        Validate(scope, owner) is { } error ? ApiResults.BadRequest(error) : TypedResults.Ok(new CleanupResult(await store.DeleteAsync(scope, owner, null, ct).ConfigureAwait(false)));

    private static async Task<Results<Ok<ServerConnectionState>, ProblemHttpResult>> PutAsync(string scope, string owner, string server, PutServerConnectionRequest request, ConnectionStore store, CancellationToken ct)
    {
        if ((Validate(scope, owner, server) ?? ApiValidation.Status(request.Status)) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        return TypedResults.Ok(await store.PutAsync(scope, owner, server, request, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<ServerConnectionState>, ProblemHttpResult>> GetOneAsync(string scope, string owner, string server, ConnectionStore store, CancellationToken ct)
    {
        if (Validate(scope, owner, server) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        var found = await store.GetAsync(scope, owner, server, ct).ConfigureAwait(false);
        return found.Count == 1 ? TypedResults.Ok(found[0]) : ApiResults.NotFound($"'{owner}' has no connection to '{server}'.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetStatusAsync(string scope, string owner, string server, ConnectionStatusRequest request, ConnectionStore store, CancellationToken ct)
    {
        if ((Validate(scope, owner, server) ?? ApiValidation.Status(request.Status)) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        return await store.SetStatusAsync(scope, owner, server, request.Status, ct).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : ApiResults.NotFound($"'{owner}' has no connection to '{server}'.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteOneAsync(string scope, string owner, string server, ConnectionStore store, CancellationToken ct)
    {
        if (Validate(scope, owner, server) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        return await store.DeleteAsync(scope, owner, server, ct).ConfigureAwait(false) > 0
            ? TypedResults.NoContent()
            : ApiResults.NotFound($"'{owner}' has no connection to '{server}'.");
    }
}
