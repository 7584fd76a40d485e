using System.Text;

namespace McpAspire.Redis;

/// <summary>A Redis key: a UTF-8 string or raw bytes. Shaped like StackExchange.Redis's <c>RedisKey</c>.</summary>
public readonly struct RedisKey : IEquatable<RedisKey>
{
    private readonly object? _value;

    private RedisKey(object? value) => _value = value;

    /// <summary>True when the key has no value.</summary>
    public bool IsNull => _value is null;

    internal object? RawValue => _value;

    /// <summary>A key from a string.</summary>
    public static implicit operator RedisKey(string? key) => new(key);

    /// <summary>A key from raw bytes (not copied).</summary>
    public static implicit operator RedisKey(byte[]? key) => new(key);

    /// <summary>The key as a string (bytes decoded as UTF-8).</summary>
    public static implicit operator string?(RedisKey key) => key.ToString();

    /// <summary>The key as bytes (strings encoded as UTF-8).</summary>
    public static implicit operator byte[]?(RedisKey key) => key._value switch
    {
        null => null,
        byte[] b => b,
        string s => Encoding.UTF8.GetBytes(s),
        _ => null,
    };

    /// <summary>The key as a value (for commands that take keys as arguments).</summary>
    public RedisValue AsRedisValue() => _value switch
    {
        string s => s,
        byte[] b => b,
        _ => RedisValue.Null,
    };

    /// <summary>A new key with <paramref name="suffix"/> appended.</summary>
    public RedisKey Append(RedisKey suffix) => new(ToString() + suffix.ToString());

    /// <inheritdoc />
    public override string? ToString() => _value switch
    {
        null => null,
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        _ => _value.ToString(),
    };

    /// <inheritdoc />
    public bool Equals(RedisKey other) => _value switch
    {
        null => other._value is null,
        string s when other._value is string o => string.Equals(s, o, StringComparison.Ordinal),
        _ => other._value is not null && ((byte[]?)this).AsSpan().SequenceEqual((byte[]?)other),
    };

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RedisKey k && Equals(k);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes((byte[]?)this);
        return hash.ToHashCode();
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(RedisKey left, RedisKey right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RedisKey left, RedisKey right) => !left.Equals(right);
}
