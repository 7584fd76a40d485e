using System.ComponentModel;
using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Shared context by key, and server-minted handles: opaque ids bound to stored JSON with a TTL, the 2026-07-28
/// stateless way to carry state from one call to the next (the client passes the handle back instead of a session).
/// </summary>
[McpServerToolType]
internal sealed class SharedStateTools
{
    private readonly SharedStateStore _store;
    private readonly AgentOptions _options;

    public SharedStateTools(SharedStateStore store, IOptions<AgentOptions> options)
    {
        _store = store;
        _options = options.Value;
    }

    /// <summary>Stores shared context.</summary>
    [McpServerTool(Name = "context_put", Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Stores a JSON value under a key that every agent can read, replacing any previous value. Entries always expire (ttlSeconds, default ToolHost:Agents:DefaultHandleTtlSeconds).")]
    public Task<ContextEntry> PutAsync(
        [Description("Context key, 1-200 of [A-Za-z0-9._:/-].")] string key,
        [Description("Any JSON value; at most ToolHost:Agents:MaxValueBytes serialized.")] JsonElement value,
        [Description("Seconds until the entry expires (1 to ToolHost:Agents:MaxTtlSeconds).")] int? ttlSeconds = null,
        CancellationToken cancellationToken = default)
    {
        var k = AgentInput.Key(key);
        var json = AgentInput.Json(value, _options.MaxValueBytes, "value");
        var ttl = AgentInput.Range(ttlSeconds, _options.DefaultHandleTtlSeconds, 1, _options.MaxTtlSeconds, "ttlSeconds");
        return _store.PutContextAsync(k, json, ttl, cancellationToken);
    }

    /// <summary>Reads shared context.</summary>
    [McpServerTool(Name = "context_get", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Reads the JSON value stored under a key; found=false when it does not exist or has expired.")]
    public Task<ContextEntry> GetAsync(
        [Description("Context key.")] string key,
        CancellationToken cancellationToken = default) =>
        _store.GetContextAsync(AgentInput.Key(key), cancellationToken);

    /// <summary>Mints a handle.</summary>
    [McpServerTool(Name = "handles_create", OpenWorld = false, UseStructuredContent = true)]
    [Description("Stores a JSON value and returns a new opaque handle bound to it (unguessable, expires after ttlSeconds). Pass the handle to later calls, on any replica, instead of keeping server-side session state.")]
    public Task<HandleEntry> CreateAsync(
        [Description("Any JSON value; at most ToolHost:Agents:MaxValueBytes serialized.")] JsonElement value,
        [Description("Seconds until the handle expires (1 to ToolHost:Agents:MaxTtlSeconds; default ToolHost:Agents:DefaultHandleTtlSeconds).")] int? ttlSeconds = null,
        CancellationToken cancellationToken = default)
    {
        var json = AgentInput.Json(value, _options.MaxValueBytes, "value");
        var ttl = AgentInput.Range(ttlSeconds, _options.DefaultHandleTtlSeconds, 1, _options.MaxTtlSeconds, "ttlSeconds");
        return _store.CreateHandleAsync(json, ttl, cancellationToken);
    }

    /// <summary>Reads a handle.</summary>
    [McpServerTool(Name = "handles_get", ReadOnly = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns the JSON value bound to a handle; found=false when it is unknown, released or expired. extendTtlSeconds resets its expiry.")]
    public Task<HandleEntry> GetAsync(
        [Description("A handle returned by handles_create.")] string handle,
        [Description("Reset the handle's expiry to this many seconds from now.")] int? extendTtlSeconds = null,
        CancellationToken cancellationToken = default)
    {
        var extend = extendTtlSeconds is null ? (int?)null : AgentInput.Range(extendTtlSeconds, 0, 1, _options.MaxTtlSeconds, "extendTtlSeconds");
        return _store.GetHandleAsync(Handle(handle), extend, cancellationToken);
    }

    /// <summary>Releases a handle.</summary>
    [McpServerTool(Name = "handles_release", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Deletes a handle and its value; released=false when it did not exist.")]
    public async Task<HandleRelease> ReleaseAsync(
        [Description("A handle returned by handles_create.")] string handle,
        CancellationToken cancellationToken = default)
    {
        var h = Handle(handle);
        return new HandleRelease(h, await _store.ReleaseHandleAsync(h, cancellationToken).ConfigureAwait(false));
    }

    private static string Handle(string? handle) =>
        handle is { Length: > 2 and <= 64 } && handle.StartsWith("h_", StringComparison.Ordinal) && handle.AsSpan(2).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0
            ? handle
            : throw new AgentCoordinationException("Invalid 'handle': not a handle minted by handles_create (h_ followed by base64url).");
}
