namespace McpAspire.Redis;

/// <summary>Whether a condition held when the transaction ran.</summary>
public sealed class ConditionResult
{
    internal ConditionResult(Condition condition) => Condition = condition;

    /// <summary>The condition.</summary>
    public Condition Condition { get; }

    /// <summary>True when it held (false before execution).</summary>
    public bool WasSatisfied { get; internal set; }
}
