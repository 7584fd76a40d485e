namespace McpAspire.ServiceDefaults.ServiceAuth;

/// <summary>
/// Service-to-service trust (configuration section <c>ServiceAuth</c>): the shared key McpAspire services present to
/// each other in the <see cref="ServiceAuthDefaults.HeaderName"/> header. The AppHost injects it as
/// <c>ServiceAuth__Key</c> (a generated secret parameter) into every service it wires together.
/// </summary>
public sealed class ServiceAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ServiceAuth";

    /// <summary>Shortest key accepted, so a typo or a placeholder is not mistaken for a secret.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>The key this service sends, and accepts. Null or empty: no key (open, with a warning at start).</summary>
    public string? Key { get; set; }

    /// <summary>
    /// Further keys accepted inbound but never sent: during a rotation put the new key in <see cref="Key"/> and the old one
    /// here until every caller has the new one.
    /// </summary>
    public IList<string> PreviousKeys { get; } = [];

    /// <summary>When true a service that has no key fails at start-up instead of running open. The AppHost sets it with the key.</summary>
    public bool Required { get; set; }

    /// <summary>Every key accepted inbound: <see cref="Key"/> first, then <see cref="PreviousKeys"/>; blanks dropped.</summary>
    public IReadOnlyList<string> AcceptedKeys()
    {
        var keys = new List<string>(1 + PreviousKeys.Count);
        if (!string.IsNullOrEmpty(Key))
        {
            keys.Add(Key);
        }
        foreach (var previous in PreviousKeys)
        {
            if (!string.IsNullOrEmpty(previous))
            {
                keys.Add(previous);
            }
        }
        return keys;
    }
}
