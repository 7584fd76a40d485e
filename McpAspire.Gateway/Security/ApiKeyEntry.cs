namespace McpAspire.Gateway.Security;

/// <summary>One API key (<c>Gateway:Auth:ApiKeys:N</c>), stored only as its hash.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>A name for logs and the default principal (<c>key:{Name}</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// Lowercase hex SHA-256 of the UTF-8 key, or <c>sha256:{hex}</c>; see <see cref="ApiKeyHasher"/> and
    /// <c>dotnet run --project McpAspire.Gateway -- hash-key KEY</c>. (Keys are 32 random bytes, so an unsalted fast hash is
    /// enough: there is nothing to guess from a dictionary.)
    /// </summary>
    public string Hash { get; set; } = "";

    /// <summary>Scopes the key grants.</summary>
    public IList<string> Scopes { get; set; } = [];

    /// <summary>Roles the key grants (matched by rules).</summary>
    public IList<string> Roles { get; set; } = [];

    /// <summary>Principal the key acts as, <c>key:{Principal}</c>; default <see cref="Name"/>. Two keys of one principal share sessions and limits (rotation).</summary>
    public string? Principal { get; set; }

    /// <summary>A revoked key is refused (401 invalid_token) without removing it from the configuration.</summary>
    public bool Revoked { get; set; }

    /// <summary>After this instant the key is refused.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}
