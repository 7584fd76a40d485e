namespace McpAspire.Redis;

/// <summary>Which ends of a score range are exclusive.</summary>
[Flags]
#pragma warning disable CA1711 // The name matches StackExchange.Redis.
public enum Exclude
#pragma warning restore CA1711
{
    /// <summary>Both ends inclusive.</summary>
    None = 0,

    /// <summary>Start exclusive.</summary>
    Start = 1,

    /// <summary>Stop exclusive.</summary>
    Stop = 2,

    /// <summary>Both ends exclusive.</summary>
    Both = Start | Stop,
}
