using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using McpAspire.StateService.Client;

namespace McpAspire.SessionSharing;

/// <summary>
/// A shared 2025-era session as the state service keeps it: the negotiated protocol version, the caller it belongs to
/// (<see cref="UserKey(ClaimsPrincipal?)"/>, empty for anonymous callers) and the client's <c>initialize</c> params.
/// Stored as attributes: <c>mcp.pv</c>, <c>mcp.user</c>, and the params' JSON in <c>mcp.init.0…n</c> chunks below the
/// state service's 4,096-character attribute limit (<c>mcp.init.n</c> = count).
/// </summary>
public sealed record SharedSessionRecord(string Id, string User, string ProtocolVersion, string? InitializeParamsJson)
{
    internal const string ProtocolVersionKey = "mcp.pv";
    internal const string UserAttributeKey = "mcp.user";
    internal const string InitCountKey = "mcp.init.n";
    internal const string InitChunkPrefix = "mcp.init.";

    /// <summary>Characters per attribute chunk: under the state service's 4096 limit.</summary>
    internal const int ChunkLength = 4000;

    /// <summary>Chunks at most: the service allows 64 attributes, three are ours.</summary>
    internal const int MaxChunks = 60;

    /// <summary>
    /// The caller a session belongs to: the first of name identifier, <c>sub</c> or UPN claim (as the SDK picks it) with
    /// its issuer; empty when the caller is not authenticated.
    /// </summary>
    public static string UserKey(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return "";
        }
        var claim = user.FindFirst(ClaimTypes.NameIdentifier) ?? user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.Upn);
        return claim is null ? "" : claim.Issuer + "|" + claim.Value;
    }

    /// <summary>True when <paramref name="user"/> is the caller this session belongs to.</summary>
    public bool BelongsTo(ClaimsPrincipal? user) => string.Equals(User, UserKey(user), StringComparison.Ordinal);

    internal Dictionary<string, string> ToAttributes()
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ProtocolVersionKey] = ProtocolVersion,
            [UserAttributeKey] = User,
        };
        if (InitializeParamsJson is { } json)
        {
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

    internal static SharedSessionRecord FromSession(SessionRecord session)
    {
        var attributes = session.Attributes;
        attributes.TryGetValue(UserAttributeKey, out var user);
        attributes.TryGetValue(ProtocolVersionKey, out var version);
        string? init = null;
        if (attributes.TryGetValue(InitCountKey, out var countText)
            && int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= MaxChunks)
        {
            var json = new StringBuilder(count * ChunkLength);
            for (var i = 0; i < count; i++)
            {
                attributes.TryGetValue(InitChunkPrefix + i.ToString(CultureInfo.InvariantCulture), out var chunk);
                json.Append(chunk);
            }
            init = json.ToString();
            try
            {
                using var _ = JsonDocument.Parse(init);
            }
            catch (JsonException)
            {
                init = null; // a damaged record still serves; the session just loses the client's declared capabilities
            }
        }
        return new SharedSessionRecord(session.Id, user ?? "", version ?? "2025-11-25", init);
    }
}
