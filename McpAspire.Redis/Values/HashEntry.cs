namespace McpAspire.Redis;

/// <summary>A field and value of a hash.</summary>
/// <param name="name">The field.</param>
/// <param name="value">The value.</param>
public readonly struct HashEntry(RedisValue name, RedisValue value) : IEquatable<HashEntry>
{
    /// <summary>The field.</summary>
    public RedisValue Name { get; } = name;

    /// <summary>The value.</summary>
    public RedisValue Value { get; } = value;

    /// <inheritdoc />
    public bool Equals(HashEntry other) => Name == other.Name && Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is HashEntry e && Equals(e);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Value);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Value}";

    /// <summary>Equality.</summary>
    public static bool operator ==(HashEntry left, HashEntry right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(HashEntry left, HashEntry right) => !left.Equals(right);
}
