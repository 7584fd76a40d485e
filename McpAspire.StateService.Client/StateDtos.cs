using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpAspire.StateService.Client;

/// <summary>A session of a stateless-worker service: owned by one principal, expiring after an idle TTL.</summary>
/// <param name="Id">Cryptographically random, visible ASCII (base64url).</param>
/// <param name="Principal">The principal that created it; nobody else can see it.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="LastAccessAt">Last get or touch.</param>
/// <param name="IdleTtlSeconds">Idle TTL: every access resets the expiry to now + this.</param>
/// <param name="AbsoluteExpiresAt">Hard end of life, if one was set at creation.</param>
/// <param name="Attributes">Free-form string attributes (protocol version, client info…).</param>
public sealed record SessionRecord(
    string Id,
    string Principal,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastAccessAt,
    long IdleTtlSeconds,
    DateTimeOffset? AbsoluteExpiresAt,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>Body of <c>POST /sessions</c>.</summary>
/// <param name="IdleTtlSeconds">Overrides the service's default idle TTL.</param>
/// <param name="AbsoluteLifetimeSeconds">Optional hard lifetime.</param>
/// <param name="Attributes">Initial attributes.</param>
/// <param name="Id">
/// The session id to use, for callers that mint their own (an MCP endpoint's <c>Mcp-Session-Id</c>); validated like every
/// session id (16-128 characters of A-Z a-z 0-9 _ -). Null lets the service generate one. An id that exists → 409.
/// </param>
public sealed record CreateSessionRequest(
    long? IdleTtlSeconds = null,
    long? AbsoluteLifetimeSeconds = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    string? Id = null);

/// <summary>One page of a principal's sessions.</summary>
public sealed record SessionPage(IReadOnlyList<SessionRecord> Items, string? NextCursor);

/// <summary>A count.</summary>
public sealed record CountResponse(long Count);

/// <summary>State of one downstream MCP client (connection) within a session.</summary>
/// <param name="SessionId">Owning session.</param>
/// <param name="Name">Downstream server name.</param>
/// <param name="Endpoint">URL or command of the downstream.</param>
/// <param name="Status">connected, reconnecting, failed…</param>
/// <param name="ToolCount">Number of tools the downstream exposes.</param>
/// <param name="DownstreamSessionId">The downstream's own Mcp-Session-Id, so another replica can continue it.</param>
/// <param name="Metadata">Free-form metadata, merged by <c>SetMetadata</c>.</param>
/// <param name="RegisteredAt">Registration time.</param>
/// <param name="LastActiveAt">Last <c>MarkActive</c> (or registration).</param>
public sealed record McpClientRecord(
    string SessionId,
    string Name,
    string Endpoint,
    string Status,
    long ToolCount,
    string? DownstreamSessionId,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastActiveAt);

/// <summary>Body of <c>PUT /sessions/{sid}/clients/{name}</c> (register or replace).</summary>
public sealed record RegisterClientRequest(
    string Endpoint,
    string? Status = null,
    long? ToolCount = null,
    string? DownstreamSessionId = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>Body of <c>PUT …/tool-count</c>.</summary>
public sealed record ToolCountRequest(long ToolCount);

/// <summary>Body of <c>PUT …/status</c>.</summary>
public sealed record ClientStatusRequest(string Status, string? DownstreamSessionId = null);

/// <summary>
/// One change of one downstream applied to the client record <paramref name="Name"/> of many sessions at once (the
/// gateway's downstream changed status or tool count): fields left null are not changed.
/// </summary>
public sealed record ClientBatchUpdateRequest(string Name, List<string> SessionIds, string? Status = null, long? ToolCount = null, string? DownstreamSessionId = null);

/// <summary>How many of the sessions had the record (updated), and the sessions that do not exist (for this principal) or lack it.</summary>
public sealed record ClientBatchUpdateResult(int Updated, List<string> NotFound);

/// <summary>Result of a cleanup run.</summary>
public sealed record CleanupResult(long Removed);

/// <summary>One server→client event of a session, kept for resumability and cross-replica fan-out.</summary>
/// <param name="Id">Increasing per session, starting at 1.</param>
/// <param name="Stream">Which stream of the session it belongs to (e.g. the GET stream, or a request's stream).</param>
/// <param name="Timestamp">When it was appended.</param>
/// <param name="Data">The JSON-RPC message (any JSON).</param>
public sealed record SessionEvent(long Id, string Stream, DateTimeOffset Timestamp, JsonElement Data);

/// <summary>Body of <c>POST /sessions/{sid}/events</c>.</summary>
public sealed record AppendEventRequest(string Stream, JsonElement Data);

/// <summary>Answer of an append.</summary>
public sealed record AppendEventResponse(long Id);

/// <summary>Per-user (or per anonymous session key) state of one connected MCP server.</summary>
public sealed record ServerConnectionState(string Server, string Status, JsonElement? Tools, DateTimeOffset? ConnectedAt);

/// <summary>Body of <c>PUT /connections/{scope}/{owner}/servers/{server}</c>.</summary>
public sealed record PutServerConnectionRequest(string Status, JsonElement? Tools = null, DateTimeOffset? ConnectedAt = null);

/// <summary>Body of <c>PUT …/status</c> for a connection.</summary>
public sealed record ConnectionStatusRequest(string Status);

/// <summary>A cached catalog of one downstream server.</summary>
public sealed record CatalogEntry(string Server, JsonElement Catalog, DateTimeOffset CachedAt, long TtlSeconds);

/// <summary>Kinds of change published on <c>GET /events</c>.</summary>
public static class StateChangeTypes
{
    public const string SessionCreated = "session.created";
    public const string SessionDeleted = "session.deleted";
    public const string SessionExpired = "session.expired";
    public const string ClientRegistered = "client.registered";
    public const string ClientUnregistered = "client.unregistered";
    public const string CatalogChanged = "catalog.changed";
    public const string SessionEvent = "session.event";
}

/// <summary>One change on the state service's event stream.</summary>
/// <param name="Type">One of <see cref="StateChangeTypes"/>.</param>
/// <param name="SessionId">The session concerned, if any.</param>
/// <param name="Name">Client or catalog server name, if any.</param>
/// <param name="Event">For <c>session.event</c>: the event itself.</param>
/// <param name="Timestamp">When the change happened.</param>
public sealed record StateChange(string Type, string? SessionId, string? Name, SessionEvent? Event, DateTimeOffset Timestamp);

/// <summary>The service's counters, as in <c>/stats</c>.</summary>
public sealed record StateStats(
    long Registrations,
    long Unregistrations,
    long Gets,
    long Lists,
    long Errors,
    long Reconnections,
    long ActiveSessions,
    long SessionsExpired,
    long EventsAppended,
    long EventSubscribers,
    bool RedisConnected);

/// <summary>Source-generated JSON metadata for every DTO, shared by server and client.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionRecord))]
[JsonSerializable(typeof(CreateSessionRequest))]
[JsonSerializable(typeof(SessionPage))]
[JsonSerializable(typeof(CountResponse))]
[JsonSerializable(typeof(McpClientRecord))]
[JsonSerializable(typeof(List<McpClientRecord>))]
[JsonSerializable(typeof(RegisterClientRequest))]
[JsonSerializable(typeof(ToolCountRequest))]
[JsonSerializable(typeof(ClientStatusRequest))]
[JsonSerializable(typeof(ClientBatchUpdateRequest))]
[JsonSerializable(typeof(ClientBatchUpdateResult))]
[JsonSerializable(typeof(CleanupResult))]
[JsonSerializable(typeof(SessionEvent))]
[JsonSerializable(typeof(List<SessionEvent>))]
[JsonSerializable(typeof(AppendEventRequest))]
[JsonSerializable(typeof(AppendEventResponse))]
[JsonSerializable(typeof(ServerConnectionState))]
[JsonSerializable(typeof(List<ServerConnectionState>))]
[JsonSerializable(typeof(PutServerConnectionRequest))]
[JsonSerializable(typeof(ConnectionStatusRequest))]
[JsonSerializable(typeof(CatalogEntry))]
[JsonSerializable(typeof(StateChange))]
[JsonSerializable(typeof(StateStats))]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class StateJsonContext : JsonSerializerContext
{
}
