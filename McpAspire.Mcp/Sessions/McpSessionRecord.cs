using System.Text.Json;

namespace McpAspire.Mcp.Sessions;

/// <summary>
/// What any replica needs to continue a 2025-era session: who owns it, the negotiated revision and the client's
/// <c>initialize</c> parameters (client info and capabilities), plus timestamps for idle expiry.
/// </summary>
/// <param name="Id">The <c>Mcp-Session-Id</c> (base64url, 22 characters).</param>
/// <param name="UserId">The principal that created the session (its <c>NameIdentifier</c>), or null when the request carried no authenticated identity at all. The gateway authenticates anonymous callers as the principal <c>anonymous</c>, so their sessions carry that id.</param>
/// <param name="ProtocolVersion">The revision negotiated by <c>initialize</c>.</param>
/// <param name="InitializeParams">The raw <c>initialize</c> params (clientInfo, capabilities), replayed to re-hydrate the session elsewhere.</param>
/// <param name="CreatedAt">When the session was created.</param>
/// <param name="LastSeenAt">When a request last used the session.</param>
public sealed record McpSessionRecord(
    string Id,
    string? UserId,
    string ProtocolVersion,
    JsonElement? InitializeParams,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt);
