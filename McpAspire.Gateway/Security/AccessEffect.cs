namespace McpAspire.Gateway.Security;

/// <summary>What an access rule does.</summary>
public enum AccessEffect
{
    /// <summary>The principal may see and use the item.</summary>
    Allow,

    /// <summary>The item is hidden from lists and behaves like an unknown one on calls.</summary>
    Deny,
}
