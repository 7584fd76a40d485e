using System.Text.Json;
using McpAspire.StateService.Changes;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using McpAspire.StateService.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Api;

/// <summary><c>/sessions/{sid}/events</c>: the session's event log (append, read after an id).</summary>
public static class EventEndpoints
{
    /// <summary>Header set when events after the requested id were already trimmed from the log.</summary>
    public const string TruncatedHeader = "Mcp-Events-Truncated";

    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapEventEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sessions/{sid}/events").WithTags("Session events").AddEndpointFilter<PrincipalFilter>();
        group.MapPost("/", AppendAsync).WithName("AppendSessionEvent");
        group.MapGet("/", ReadAsync).WithName("ReadSessionEvents");
        return group;
    }

    private static async Task<Results<Ok<AppendEventResponse>, ProblemHttpResult>> AppendAsync(
        HttpContext http, string sid, AppendEventRequest request, EventLog log, ChangeFeed feed, IOptions<StateOptions> options, CancellationToken ct)
    {
        if (ApiValidation.Stream(request.Stream) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        if (request.Data.ValueKind == JsonValueKind.Undefined)
        {
            return ApiResults.BadRequest("data is required.");
        }
        if (request.Data.GetRawText().Length > options.Value.MaxEventBytes)
        {
            return TypedResults.Problem($"data is larger than {options.Value.MaxEventBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");
        }
        var appended = await log.AppendAsync(PrincipalFilter.Principal(http), sid, request.Stream, request.Data, ct).ConfigureAwait(false);
        if (appended is null)
        {
            return ApiResults.SessionNotFound(sid);
        }
        await feed.PublishAsync(StateChangeTypes.SessionEvent, sid, sessionEvent: appended, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.Ok(new AppendEventResponse(appended.Id));
    }

    private static async Task<Results<Ok<List<SessionEvent>>, ProblemHttpResult>> ReadAsync(
        HttpContext http, string sid, long? after, string? stream, int? limit, EventLog log, CancellationToken ct)
    {
        if (after is < 0)
        {
            return ApiResults.BadRequest("after must not be negative.");
        }
        var size = limit ?? 500;
        if (size is < 1 or > 10_000)
        {
            return ApiResults.BadRequest("limit must be between 1 and 10000.");
        }
        if (stream is not null && ApiValidation.Stream(stream) is { } error)
        {
            return ApiResults.BadRequest(error);
        }
        var read = await log.ReadAsync(PrincipalFilter.Principal(http), sid, after ?? 0, stream, size, ct).ConfigureAwait(false);
        if (read is not { } r)
        {
            return ApiResults.SessionNotFound(sid);
        }
        if (r.Truncated)
        {
            http.Response.Headers[TruncatedHeader] = "true";
        }
        return TypedResults.Ok(r.Events);
    }
}
