using McpAspire.StateService.Changes;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using McpAspire.StateService.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Api;

/// <summary><c>/sessions</c>: create, get (sliding), touch, attributes, delete, list, count.</summary>
public static class SessionEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapSessionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sessions").WithTags("Sessions").AddEndpointFilter<PrincipalFilter>();

        group.MapPost("/", CreateAsync).WithName("CreateSession");
        group.MapGet("/", ListAsync).WithName("ListSessions").WithRequestTimeout(StateTimeouts.Long);
        group.MapGet("/count", CountAsync).WithName("CountSessions").WithRequestTimeout(StateTimeouts.Long);
        group.MapGet("/{sid}", GetAsync).WithName("GetSession");
        group.MapPost("/{sid}/touch", TouchAsync).WithName("TouchSession");
        group.MapPatch("/{sid}/attributes", MergeAttributesAsync).WithName("MergeSessionAttributes");
        group.MapDelete("/{sid}", DeleteAsync).WithName("DeleteSession");
        return group;
    }

    private static async Task<Results<Created<SessionRecord>, ProblemHttpResult>> CreateAsync(
        HttpContext http, CreateSessionRequest? request, SessionStore sessions, ChangeFeed feed, IOptions<StateOptions> options, CancellationToken ct)
    {
        request ??= new CreateSessionRequest();
        var max = (long)options.Value.MaxSessionIdleTtl.TotalSeconds;
        if (request.IdleTtlSeconds is { } ttl && (ttl < 1 || ttl > max))
        {
            return ApiResults.BadRequest($"idleTtlSeconds must be between 1 and {max}.");
        }
        if (request.AbsoluteLifetimeSeconds is { } life && (life < 1 || life > max))
        {
            return ApiResults.BadRequest($"absoluteLifetimeSeconds must be between 1 and {max}.");
        }
        if (ApiValidation.Attributes(request.Attributes, "attributes") is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        var session = await sessions.CreateAsync(PrincipalFilter.Principal(http), request, ct).ConfigureAwait(false);
        await feed.PublishAsync(StateChangeTypes.SessionCreated, session.Id, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.Created($"/sessions/{session.Id}", session);
    }

    private static async Task<Results<Ok<SessionRecord>, ProblemHttpResult>> GetAsync(HttpContext http, string sid, SessionStore sessions, CancellationToken ct) =>
        await sessions.GetAsync(PrincipalFilter.Principal(http), sid, ct).ConfigureAwait(false) is { } session
            ? TypedResults.Ok(session)
            : ApiResults.SessionNotFound(sid);

    private static async Task<Results<NoContent, ProblemHttpResult>> TouchAsync(HttpContext http, string sid, SessionStore sessions, CancellationToken ct) =>
        await sessions.TouchAsync(PrincipalFilter.Principal(http), sid, ct).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : ApiResults.SessionNotFound(sid);

    private static async Task<Results<Ok<SessionRecord>, ProblemHttpResult>> MergeAttributesAsync(
        HttpContext http, string sid, Dictionary<string, string?> changes, SessionStore sessions, CancellationToken ct)
    {
        if (ApiValidation.Attributes(changes, "attributes") is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        return await sessions.MergeAttributesAsync(PrincipalFilter.Principal(http), sid, changes, ct).ConfigureAwait(false) is { } session
            ? TypedResults.Ok(session)
            : ApiResults.SessionNotFound(sid);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext http, string sid, SessionStore sessions, ChangeFeed feed, CancellationToken ct)
    {
        if (!await sessions.DeleteAsync(PrincipalFilter.Principal(http), sid, ct).ConfigureAwait(false))
        {
            return ApiResults.SessionNotFound(sid);
        }
        await feed.PublishAsync(StateChangeTypes.SessionDeleted, sid, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SessionPage>, ProblemHttpResult>> ListAsync(HttpContext http, SessionStore sessions, string? cursor, int? limit, CancellationToken ct)
    {
        var size = limit ?? 100;
        if (size is < 1 or > ApiValidation.MaxPageSize)
        {
            return ApiResults.BadRequest($"limit must be between 1 and {ApiValidation.MaxPageSize}.");
        }
        if (cursor is { Length: > 0 } && !long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return ApiResults.BadRequest("cursor is not one this service returned.");
        }
        return TypedResults.Ok(await sessions.ListAsync(PrincipalFilter.Principal(http), cursor, size, ct).ConfigureAwait(false));
    }

    private static async Task<Ok<CountResponse>> CountAsync(HttpContext http, SessionStore sessions, CancellationToken ct) =>
        TypedResults.Ok(new CountResponse(await sessions.CountAsync(PrincipalFilter.Principal(http), ct).ConfigureAwait(false)));
}
