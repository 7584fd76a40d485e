namespace McpAspire.Gateway.Catalog;

/// <summary>
/// A tool or prompt whose name another server already uses (listed in <c>/stats</c>): it is exposed as
/// <see cref="ExposedAs"/> (null when hidden, prefix mode <c>never</c>), and <see cref="TakenBy"/> keeps the plain name
/// (null when every server involved was prefixed).
/// </summary>
public sealed record NameCollision(string Kind, string Server, string Name, string? ExposedAs, string? TakenBy);
