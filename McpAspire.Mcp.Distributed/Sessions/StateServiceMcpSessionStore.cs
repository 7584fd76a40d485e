using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpAspire.Mcp.Distributed.Hosting;
using McpAspire.Mcp.Distributed.State;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Sessions;
using McpAspire.StateService.Client;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Distributed.Sessions;

/// <summary>
/// <see cref="IMcpSessionStore"/> over the state service: one state service session per MCP session, with the same id
/// (the endpoint mints it), the endpoint's idle timeout as its sliding TTL, and the record in attributes
/// (<c>mcp.pv</c> protocol version, <c>mcp.user</c> user id, <c>mcp.init.n</c> + <c>mcp.init.0…</c> the initialize
/// params in chunks below the service's 4096-character attribute limit). Any replica can therefore re-hydrate any
/// session, and expiry is the state service's TTL. Unreachable → <see cref="McpSessionStoreUnavailableException"/>.
/// </summary>
public sealed partial class StateServiceMcpSessionStore : IMcpSessionStore
{
    internal const string ProtocolVersionKey = "mcp.pv";
    internal const string UserKey = "mcp.user";
    internal const string InitCountKey = "mcp.init.n";
    internal const string InitChunkPrefix = "mcp.init.";

    /// <summary>Characters per attribute chunk: under the state service's 4096 limit.</summary>
    internal const int ChunkLength = 4000;

    /// <summary>Chunks at most: the service allows 64 attributes, three are ours.</summary>
    internal const int MaxChunks = 60;

    private readonly StateServiceClient _client;
    private readonly string _principal;
    private readonly long _idleTtlSeconds;

    /// <summary>Creates the store.</summary>
    public StateServiceMcpSessionStore(StateServiceClient client, IOptions<StateServiceMcpStoreOptions> options, IOptions<McpEndpointOptions> endpointOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpointOptions);
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _principal = options.Value.Principal;
        _idleTtlSeconds = Math.Max(1, (long)Math.Ceiling(endpointOptions.Value.SessionIdleTimeout.TotalSeconds));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{16,128}$")]
    internal static partial Regex SessionIdPattern();

    /// <inheritdoc />
    public async ValueTask CreateAsync(McpSessionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!SessionIdPattern().IsMatch(record.Id))
        {
            throw new ArgumentException($"Session id '{record.Id}' is not one the state service accepts (16-128 of A-Z a-z 0-9 _ -).", nameof(record));
        }
        var request = new CreateSessionRequest(IdleTtlSeconds: _idleTtlSeconds, Attributes: ToAttributes(record), Id: record.Id);
        try
        {
            await _client.CreateSessionAsync(_principal, request, cancellationToken).ConfigureAwait(false);
        }
        catch (StateServiceException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            throw new InvalidOperationException($"Session {record.Id} already exists.", ex);
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<McpSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!SessionIdPattern().IsMatch(sessionId))
        {
            return null; // no such id can exist; spare the round trip (and the service's 400)
        }
        SessionRecord? session;
        try
        {
            session = await _client.GetSessionAsync(_principal, sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
        return session is null ? null : FromSession(session);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TouchAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!SessionIdPattern().IsMatch(sessionId))
        {
            return false;
        }
        try
        {
            return await _client.TouchSessionAsync(_principal, sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!SessionIdPattern().IsMatch(sessionId))
        {
            return false;
        }
        try
        {
            // The state service deletes the session's event log with it.
            return await _client.DeleteSessionAsync(_principal, sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StateCalls.IsUnavailable(ex, cancellationToken))
        {
            throw StateCalls.Unavailable(ex);
        }
    }

    internal static Dictionary<string, string> ToAttributes(McpSessionRecord record)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ProtocolVersionKey] = record.ProtocolVersion,
        };
        if (record.UserId is not null)
        {
            attributes[UserKey] = record.UserId;
        }
        if (record.InitializeParams is { } init)
        {
            var json = init.GetRawText();
            var count = 0;
            for (var start = 0; start < json.Length; count++)
            {
                if (count == MaxChunks)
                {
                    throw new InvalidOperationException($"The initialize params are larger than the session store keeps ({MaxChunks * ChunkLength} characters).");
                }
                var length = Math.Min(ChunkLength, json.Length - start);
                if (start + length < json.Length && char.IsHighSurrogate(json[start + length - 1]))
                {
                    length--; // never split a surrogate pair: a lone half would not survive UTF-8
                }
                attributes[InitChunkPrefix + count.ToString(CultureInfo.InvariantCulture)] = json.Substring(start, length);
                start += length;
            }
            attributes[InitCountKey] = count.ToString(CultureInfo.InvariantCulture);
        }
        return attributes;
    }

    internal static McpSessionRecord FromSession(SessionRecord session)
    {
        var attributes = session.Attributes;
        attributes.TryGetValue(UserKey, out var user);
        attributes.TryGetValue(ProtocolVersionKey, out var version);
        JsonElement? init = null;
        if (attributes.TryGetValue(InitCountKey, out var countText) && int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= MaxChunks)
        {
            var json = new StringBuilder(count * ChunkLength);
            for (var i = 0; i < count; i++)
            {
                attributes.TryGetValue(InitChunkPrefix + i.ToString(CultureInfo.InvariantCulture), out var chunk);
                json.Append(chunk);
            }
            try
            {
                using var doc = JsonDocument.Parse(json.ToString());
                init = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                init = null; // a damaged record still serves; the session just loses the client's declared capabilities
            }
        }
        return new McpSessionRecord(session.Id, user, version ?? "2025-11-25", init, session.CreatedAt, session.LastAccessAt);
    }
}
