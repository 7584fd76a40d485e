using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace McpAspire.SessionSharing;

/// <summary>
/// The SDK's session migration over the state service: a session initialized on one replica is recorded
/// (<see cref="StateSessionDirectory"/>), and a replica that does not know a session id re-creates it from that record —
/// but only for the caller it belongs to. The SDK does not re-check the user on migration (the migrated session takes
/// the caller's identity), so another principal gets <c>null</c> here, i.e. 404, as if the session did not exist.
/// The record's negotiated protocol version replaces the one the client asked for, so a re-hydrated session speaks
/// the version <c>initialize</c> settled on.
/// </summary>
public sealed class StateSessionMigrationHandler(StateSessionDirectory directory, LocalSharedSessions local, IEnumerable<ISharedSessionObserver> observers) : ISessionMigrationHandler
{
    private readonly ISharedSessionObserver[] _observers = [.. observers];

    /// <summary><see cref="HttpContext.Items"/> key under which <see cref="SharedSessionGate"/> leaves the record it read.</summary>
    public const string RecordItemKey = "McpAspire.SessionSharing.Record";

    private static readonly HashSet<string> s_handshakeVersions = new(StringComparer.Ordinal) { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25" };

    /// <summary>The version <c>initialize</c> settles on for a requested one (the SDK's rule: a handshake version it knows, else 2025-11-25).</summary>
    public static string NegotiatedVersion(string? requested) =>
        requested is not null && s_handshakeVersions.Contains(requested) ? requested : "2025-11-25";

    /// <inheritdoc />
    public async ValueTask OnSessionInitializedAsync(HttpContext context, string sessionId, InitializeRequestParams initializeParams, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(initializeParams);
        var json = JsonSerializer.Serialize(initializeParams, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(InitializeRequestParams)));
        var record = new SharedSessionRecord(sessionId, SharedSessionRecord.UserKey(context.User), NegotiatedVersion(initializeParams.ProtocolVersion), json);
        await directory.CreateAsync(record, cancellationToken).ConfigureAwait(false);
        local.Add(sessionId);
        foreach (var observer in _observers)
        {
            observer.SessionHeld(sessionId);
            await observer.SessionCreatedAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<InitializeRequestParams?> AllowSessionMigrationAsync(HttpContext context, string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = context.Items.TryGetValue(RecordItemKey, out var item) && item is SharedSessionRecord r && r.Id == sessionId
            ? r
            : await directory.GetAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (record is null || !record.BelongsTo(context.User))
        {
            return null; // the SDK answers 404: another caller must not learn that the session exists
        }
        InitializeRequestParams? init = null;
        if (record.InitializeParamsJson is { } json)
        {
            try
            {
                init = (InitializeRequestParams?)JsonSerializer.Deserialize(json, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(InitializeRequestParams)));
            }
            catch (JsonException)
            {
                init = null;
            }
        }
        init ??= new InitializeRequestParams
        {
            ProtocolVersion = record.ProtocolVersion,
            Capabilities = new ClientCapabilities(),
            ClientInfo = new Implementation { Name = "unknown", Version = "0" },
        };
        init.ProtocolVersion = record.ProtocolVersion;
        local.Add(sessionId);
        foreach (var observer in _observers)
        {
            observer.SessionHeld(sessionId);
        }
        return init;
    }
}
