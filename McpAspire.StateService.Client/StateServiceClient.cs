using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace McpAspire.StateService.Client;

/// <summary>
/// Typed client of the state service (register with <c>AddStateServiceClient</c>). Every call names the principal
/// on whose behalf it acts; "not found" comes back as null / false, other failures as <see cref="StateServiceException"/>.
/// </summary>
public sealed class StateServiceClient
{
    /// <summary>Header carrying the principal.</summary>
    public const string PrincipalHeader = "X-McpAspire-Principal";

    private static readonly StateJsonContext s_json = StateJsonContext.Default;
    private readonly HttpClient _http;

    /// <summary>Creates the client over an <see cref="HttpClient"/> whose base address is the state service.</summary>
    public StateServiceClient(HttpClient http)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
    }

    // Sessions

    public Task<SessionRecord> CreateSessionAsync(string principal, CreateSessionRequest? request = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "sessions", principal, request ?? new CreateSessionRequest(), s_json.CreateSessionRequest, s_json.SessionRecord, cancellationToken)!;

    public Task<SessionRecord?> GetSessionAsync(string principal, string sessionId, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Get, $"sessions/{E(sessionId)}", principal, s_json.SessionRecord, cancellationToken);

    public Task<bool> TouchSessionAsync(string principal, string sessionId, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Post, $"sessions/{E(sessionId)}/touch", principal, cancellationToken);

    public Task<SessionRecord?> MergeSessionAttributesAsync(string principal, string sessionId, Dictionary<string, string?> changes, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Patch, $"sessions/{E(sessionId)}/attributes", principal, changes, s_json.DictionaryStringString, s_json.SessionRecord, cancellationToken);

    public Task<bool> DeleteSessionAsync(string principal, string sessionId, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Delete, $"sessions/{E(sessionId)}", principal, cancellationToken);

    public Task<SessionPage> ListSessionsAsync(string principal, string? cursor = null, int limit = 100, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"sessions?limit={limit}" + (cursor is null ? "" : "&cursor=" + E(cursor)), principal, s_json.SessionPage, cancellationToken)!;

    public async Task<long> CountSessionsAsync(string principal, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "sessions/count", principal, s_json.CountResponse, cancellationToken).ConfigureAwait(false))!.Count;

    // MCP clients of a session

    public Task<McpClientRecord?> RegisterMcpClientAsync(string principal, string sessionId, string name, RegisterClientRequest request, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Put, $"sessions/{E(sessionId)}/clients/{E(name)}", principal, request, s_json.RegisterClientRequest, s_json.McpClientRecord, cancellationToken);

    public Task<bool> UnregisterMcpClientAsync(string principal, string sessionId, string name, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Delete, $"sessions/{E(sessionId)}/clients/{E(name)}", principal, cancellationToken);

    public Task<McpClientRecord?> GetMcpClientAsync(string principal, string sessionId, string name, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Get, $"sessions/{E(sessionId)}/clients/{E(name)}", principal, s_json.McpClientRecord, cancellationToken);

    public Task<List<McpClientRecord>?> ListMcpClientsAsync(string principal, string sessionId, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Get, $"sessions/{E(sessionId)}/clients", principal, s_json.ListMcpClientRecord, cancellationToken);

    public Task<bool> MarkMcpClientActiveAsync(string principal, string sessionId, string name, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Post, $"sessions/{E(sessionId)}/clients/{E(name)}/active", principal, cancellationToken);

    public Task<bool> UpdateToolCountAsync(string principal, string sessionId, string name, long toolCount, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Put, $"sessions/{E(sessionId)}/clients/{E(name)}/tool-count", principal, new ToolCountRequest(toolCount), s_json.ToolCountRequest, cancellationToken);

    public Task<bool> SetMcpClientStatusAsync(string principal, string sessionId, string name, string status, string? downstreamSessionId = null, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Put, $"sessions/{E(sessionId)}/clients/{E(name)}/status", principal, new ClientStatusRequest(status, downstreamSessionId), s_json.ClientStatusRequest, cancellationToken);

    /// <summary>Applies one downstream's new status and/or tool count to its client record in many sessions: one request.</summary>
    public Task<ClientBatchUpdateResult?> UpdateMcpClientsAsync(string principal, ClientBatchUpdateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "clients/batch-update", principal, request, s_json.ClientBatchUpdateRequest, s_json.ClientBatchUpdateResult, cancellationToken);

    public Task<bool> SetMcpClientMetadataAsync(string principal, string sessionId, string name, Dictionary<string, string?> changes, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Patch, $"sessions/{E(sessionId)}/clients/{E(name)}/metadata", principal, changes, s_json.DictionaryStringString, cancellationToken);

    public async Task<long?> CleanupSessionClientsAsync(string principal, string sessionId, TimeSpan maxAge, CancellationToken cancellationToken = default) =>
        (await SendOrNullAsync(HttpMethod.Post, $"sessions/{E(sessionId)}/clients/cleanup?maxAgeSeconds={(long)maxAge.TotalSeconds}", principal, s_json.CleanupResult, cancellationToken).ConfigureAwait(false))?.Removed;

    public async Task<long> CleanupExpiredClientsAsync(TimeSpan maxAge, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Post, $"admin/cleanup-clients?maxAgeSeconds={(long)maxAge.TotalSeconds}", null, s_json.CleanupResult, cancellationToken).ConfigureAwait(false))!.Removed;

    // Session event log

    public async Task<long?> AppendEventAsync(string principal, string sessionId, string stream, JsonElement data, CancellationToken cancellationToken = default) =>
        (await SendOrNullAsync(HttpMethod.Post, $"sessions/{E(sessionId)}/events", principal, new AppendEventRequest(stream, data), s_json.AppendEventRequest, s_json.AppendEventResponse, cancellationToken).ConfigureAwait(false))?.Id;

    public Task<List<SessionEvent>?> ReadEventsAsync(string principal, string sessionId, long afterId = 0, string? stream = null, int limit = 500, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Get, $"sessions/{E(sessionId)}/events?after={afterId}&limit={limit}" + (stream is null ? "" : "&stream=" + E(stream)), principal, s_json.ListSessionEvent, cancellationToken);

    // Per-user / per-anonymous-session connection state ("user" or "session" scope)

    public Task<ServerConnectionState> PutConnectionAsync(string scope, string owner, string server, PutServerConnectionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"connections/{E(scope)}/{E(owner)}/servers/{E(server)}", null, request, s_json.PutServerConnectionRequest, s_json.ServerConnectionState, cancellationToken)!;

    public Task<List<ServerConnectionState>> GetConnectionsAsync(string scope, string owner, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"connections/{E(scope)}/{E(owner)}", null, s_json.ListServerConnectionState, cancellationToken)!;

    public Task<ServerConnectionState?> GetConnectionAsync(string scope, string owner, string server, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Get, $"connections/{E(scope)}/{E(owner)}/servers/{E(server)}", null, s_json.ServerConnectionState, cancellationToken);

    public Task<bool> SetConnectionStatusAsync(string scope, string owner, string server, string status, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Put, $"connections/{E(scope)}/{E(owner)}/servers/{E(server)}/status", null, new ConnectionStatusRequest(status), s_json.ConnectionStatusRequest, cancellationToken);

    public Task<bool> DeleteConnectionAsync(string scope, string owner, string server, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Delete, $"connections/{E(scope)}/{E(owner)}/servers/{E(server)}", null, cancellationToken);

    // Catalog cache

    public Task<CatalogEntry> PutCatalogAsync(string server, JsonElement catalog, TimeSpan? ttl = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"catalog/{E(server)}" + (ttl is { } t ? $"?ttlSeconds={(long)t.TotalSeconds}" : ""), null, catalog, s_json.JsonElement, s_json.CatalogEntry, cancellationToken)!;

    public Task<CatalogEntry?> GetCatalogAsync(string server, CancellationToken cancellationToken = default) =>
        SendOrNullAsync(HttpMethod.Get, $"catalog/{E(server)}", null, s_json.CatalogEntry, cancellationToken);

    public Task<bool> DeleteCatalogAsync(string server, CancellationToken cancellationToken = default) =>
        SendFoundAsync(HttpMethod.Delete, $"catalog/{E(server)}", null, cancellationToken);

    // Stats and the change stream

    public Task<StateStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "stats", null, s_json.StateStats, cancellationToken)!;

    /// <summary>
    /// Streams changes (all, or one session's) until cancelled. The first item is yielded only after the server has
    /// registered the subscription, so a change made after <c>MoveNextAsync</c> starts is never missed. A
    /// <c>resync</c> change means some were missed (Redis reconnected); the stream ends on overflow.
    /// </summary>
    public async IAsyncEnumerable<StateChange> SubscribeAsync(string? sessionId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var subscription = await OpenChangeStreamAsync(sessionId, cancellationToken).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var change in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
    }

    /// <summary>
    /// Opens the change stream (all changes, or one session's) and returns once the service has registered the
    /// subscription: every change made after this returns will be read from it. Use it to subscribe, then read
    /// current state, then apply changes without missing any in between.
    /// </summary>
    public async Task<StateChangeSubscription> OpenChangeStreamAsync(string? sessionId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "events" + (sessionId is null ? "" : "?session=" + E(sessionId)));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new StateServiceException(null, "unreachable", $"State service unreachable: {ex.Message}", ex);
        }
        try
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new StateChangeSubscription(response, stream);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static string E(string value) => Uri.EscapeDataString(value);

    private async Task<TResponse?> SendAsync<TResponse>(HttpMethod method, string path, string? principal, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        using var request = Build(method, path, principal);
        return await ReadAsync(request, responseType, allowNotFound: false, ct).ConfigureAwait(false);
    }

    private async Task<TResponse?> SendAsync<TRequest, TResponse>(HttpMethod method, string path, string? principal, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        using var request = Build(method, path, principal);
        request.Content = JsonContent.Create(body, requestType);
        return await ReadAsync(request, responseType, allowNotFound: false, ct).ConfigureAwait(false);
    }

    private async Task<TResponse?> SendOrNullAsync<TResponse>(HttpMethod method, string path, string? principal, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        using var request = Build(method, path, principal);
        return await ReadAsync(request, responseType, allowNotFound: true, ct).ConfigureAwait(false);
    }

    private async Task<TResponse?> SendOrNullAsync<TRequest, TResponse>(HttpMethod method, string path, string? principal, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        using var request = Build(method, path, principal);
        request.Content = JsonContent.Create(body, requestType);
        return await ReadAsync(request, responseType, allowNotFound: true, ct).ConfigureAwait(false);
    }

    private async Task<bool> SendFoundAsync(HttpMethod method, string path, string? principal, CancellationToken ct)
    {
        using var request = Build(method, path, principal);
        return await FoundAsync(request, ct).ConfigureAwait(false);
    }

    private async Task<bool> SendFoundAsync<TRequest>(HttpMethod method, string path, string? principal, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken ct)
    {
        using var request = Build(method, path, principal);
        request.Content = JsonContent.Create(body, requestType);
        return await FoundAsync(request, ct).ConfigureAwait(false);
    }

    private static HttpRequestMessage Build(HttpMethod method, string path, string? principal)
    {
        var request = new HttpRequestMessage(method, path);
        if (principal is not null)
        {
            request.Headers.TryAddWithoutValidation(PrincipalHeader, principal);
        }
        return request;
    }

    // "Not found" is an answer these calls expect: the service defaults then keep the HttpClient span out of the errors.
    private static readonly HttpRequestOptionsKey<bool> s_expectedNotFound = new("McpAspire.ExpectedNotFound");

    private async Task<TResponse?> ReadAsync<TResponse>(HttpRequestMessage request, JsonTypeInfo<TResponse> type, bool allowNotFound, CancellationToken ct)
    {
        if (allowNotFound)
        {
            request.Options.Set(s_expectedNotFound, true);
        }
        using var response = await SendCoreAsync(request, ct).ConfigureAwait(false);
        if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(type, ct).ConfigureAwait(false);
    }

    private async Task<bool> FoundAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Options.Set(s_expectedNotFound, true);
        using var response = await SendCoreAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return true;
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new StateServiceException(null, "unreachable", $"State service unreachable: {ex.Message}", ex);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        ProblemDetails? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(s_json.ProblemDetails, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
        }
        throw new StateServiceException(response.StatusCode, problem?.Title,
            $"State service answered {(int)response.StatusCode}: {problem?.Detail ?? problem?.Title ?? response.ReasonPhrase}");
    }
}
