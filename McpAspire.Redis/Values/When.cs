namespace McpAspire.Redis;

/// <summary>Condition for a write (SET NX/XX, HSETNX).</summary>
public enum When
{
    /// <summary>Write unconditionally.</summary>
    Always,

    /// <summary>Write only when the key or field exists (XX).</summary>
    Exists,

    /// <summary>Write only when the key or field does not exist (NX).</summary>
    NotExists,
}
