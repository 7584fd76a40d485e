namespace McpAspire.Gateway.Security;

/// <summary>What kind of catalog item an access check is about.</summary>
public enum AccessItemKind
{
    /// <summary>A tool.</summary>
    Tool,

    /// <summary>A prompt.</summary>
    Prompt,

    /// <summary>A resource (by URI) or resource template (by URI template).</summary>
    Resource,
}
