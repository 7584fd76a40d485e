namespace McpAspire.Mcp.Http;

/// <summary>
/// The MCP revisions this endpoint serves and which era each belongs to. Revisions up to 2025-11-25 use the
/// <c>initialize</c> handshake and sessions; 2026-07-28 and later are stateless with per-request <c>_meta</c>.
/// </summary>
public static class McpProtocolVersions
{
    /// <summary>The stateless revision (SEP-2575/SEP-2567).</summary>
    public const string July2026 = "2026-07-28";

    /// <summary>The newest session-based revision.</summary>
    public const string November2025 = "2025-11-25";

    /// <summary>Revisions negotiated through <c>initialize</c>.</summary>
    public static readonly IReadOnlyList<string> Handshake = ["2024-11-05", "2025-03-26", "2025-06-18", November2025];

    /// <summary>Every revision the endpoint accepts.</summary>
    public static readonly IReadOnlyList<string> All = [.. Handshake, July2026];

    /// <summary>True for a revision this endpoint accepts.</summary>
    public static bool IsSupported(string? version) => version is not null && All.Contains(version);

    /// <summary>True for 2026-07-28 and later: no session, per-request metadata, standard headers.</summary>
    public static bool IsStateless(string? version) =>
        !string.IsNullOrEmpty(version) && string.CompareOrdinal(version, July2026) >= 0;
}
