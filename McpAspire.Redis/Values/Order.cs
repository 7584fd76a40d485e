namespace McpAspire.Redis;

/// <summary>Sort order of a range.</summary>
public enum Order
{
    /// <summary>Lowest first.</summary>
    Ascending,

    /// <summary>Highest first.</summary>
    Descending,
}
