using System.Text;

namespace McpAspire.Redis;

/// <summary>A pub/sub channel name, literal or a glob pattern (PSUBSCRIBE).</summary>
public readonly struct RedisChannel : IEquatable<RedisChannel>
{
    private readonly byte[]? _name;

    private RedisChannel(byte[]? name, bool isPattern)
    {
        _name = name;
        IsPattern = isPattern;
    }

    /// <summary>True when this is a glob pattern.</summary>
    public bool IsPattern { get; }

    /// <summary>True when there is no name.</summary>
    public bool IsNull => _name is null;

    internal byte[] Name => _name ?? [];

    /// <summary>A literal channel.</summary>
    public static RedisChannel Literal(string name) => new(Encoding.UTF8.GetBytes(name), false);

    /// <summary>A literal channel.</summary>
    public static RedisChannel Literal(byte[] name) => new(name, false);

    /// <summary>A pattern channel (PSUBSCRIBE glob).</summary>
    public static RedisChannel Pattern(string pattern) => new(Encoding.UTF8.GetBytes(pattern), true);

    /// <summary>A pattern channel (PSUBSCRIBE glob).</summary>
    public static RedisChannel Pattern(byte[] pattern) => new(pattern, true);

    /// <summary>A literal channel from a string (as StackExchange.Redis's literal mode).</summary>
    public static implicit operator RedisChannel(string name) => Literal(name);

    /// <summary>The channel name.</summary>
    public static implicit operator string?(RedisChannel channel) => channel.ToString();

    /// <inheritdoc />
    public override string? ToString() => _name is null ? null : Encoding.UTF8.GetString(_name);

    /// <inheritdoc />
    public bool Equals(RedisChannel other) => IsPattern == other.IsPattern && Name.AsSpan().SequenceEqual(other.Name);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RedisChannel c && Equals(c);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Name);
        hash.Add(IsPattern);
        return hash.ToHashCode();
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(RedisChannel left, RedisChannel right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RedisChannel left, RedisChannel right) => !left.Equals(right);
}
