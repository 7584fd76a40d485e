namespace McpAspire.Redis;

/// <summary>A member and score of a sorted set.</summary>
/// <param name="element">The member.</param>
/// <param name="score">The score.</param>
public readonly struct SortedSetEntry(RedisValue element, double score) : IEquatable<SortedSetEntry>
{
    /// <summary>The member.</summary>
    public RedisValue Element { get; } = element;

    /// <summary>The score.</summary>
    public double Score { get; } = score;

    /// <inheritdoc />
    public bool Equals(SortedSetEntry other) => Element == other.Element && Score.Equals(other.Score);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SortedSetEntry e && Equals(e);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Element, Score);

    /// <inheritdoc />
    public override string ToString() => $"{Element}: {Score}";

    /// <summary>Equality.</summary>
    public static bool operator ==(SortedSetEntry left, SortedSetEntry right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SortedSetEntry left, SortedSetEntry right) => !left.Equals(right);
}
