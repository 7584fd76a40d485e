namespace McpAspire.Gateway.Security;

/// <summary>
/// One access rule (<c>Gateway:Auth:Rules:N</c>). A rule matches a principal when every "who" list that is given matches
/// (any entry of it), and an item when its server matches <see cref="Servers"/> and, for the item's kind, the name list of
/// that kind matches. A rule naming none of <see cref="Tools"/>/<see cref="Prompts"/>/<see cref="Resources"/> covers
/// every item of its servers; a rule naming some covers only those kinds. Patterns are exact names or globs with
/// <c>*</c> and <c>?</c>. Tool and prompt patterns match the exposed name or the server's own name.
/// </summary>
public sealed class AccessRule
{
    /// <summary>Allow or deny.</summary>
    public AccessEffect Effect { get; set; } = AccessEffect.Allow;

    /// <summary>Principal ids (e.g. <c>jwt:alice</c>, <c>key:ci</c>, <c>anonymous</c>), globs allowed. Empty: anyone.</summary>
    public IList<string> Principals { get; set; } = [];

    /// <summary>Roles, any of which matches. Empty: any.</summary>
    public IList<string> Roles { get; set; } = [];

    /// <summary>Scopes, any of which matches. Empty: any.</summary>
    public IList<string> Scopes { get; set; } = [];

    /// <summary>Server names (globs). Empty: every server.</summary>
    public IList<string> Servers { get; set; } = [];

    /// <summary>Tool names (globs).</summary>
    public IList<string> Tools { get; set; } = [];

    /// <summary>Prompt names (globs).</summary>
    public IList<string> Prompts { get; set; } = [];

    /// <summary>Resource URIs and resource template URI templates (globs).</summary>
    public IList<string> Resources { get; set; } = [];
}
