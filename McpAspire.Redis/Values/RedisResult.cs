using System.Globalization;

namespace McpAspire.Redis;

/// <summary>
/// A reply of any shape, for <see cref="IDatabaseAsync.ExecuteAsync(string, object[])"/> and scripts: a scalar
/// (<see cref="RedisValue"/>), an aggregate of results, or an error. Shaped like StackExchange.Redis's <c>RedisResult</c>.
/// </summary>
public sealed class RedisResult
{
    private static readonly RedisResult[] NoItems = [];
    private readonly RedisValue _value;
    private readonly RedisResult[]? _items;
    private readonly string? _error;

    private RedisResult(ResultType type, RedisValue value, RedisResult[]? items, string? error)
    {
        Resp3Type = type;
        _value = value;
        _items = items;
        _error = error;
    }

    /// <summary>A null reply.</summary>
    public static RedisResult NullSingle { get; } = new(ResultType.Null, RedisValue.Null, null, null);

    /// <summary>A null array reply.</summary>
    public static RedisResult NullArray { get; } = new(ResultType.Null, RedisValue.Null, null, null);

    /// <summary>The reply's RESP3 type.</summary>
    public ResultType Resp3Type { get; }

    /// <summary>The reply's type as RESP2 would report it (maps and sets are arrays, doubles bulk strings...).</summary>
    public ResultType Resp2Type => Resp3Type switch
    {
        ResultType.Map or ResultType.Set or ResultType.Push or ResultType.Attribute => ResultType.Array,
        ResultType.Double or ResultType.BigInteger or ResultType.VerbatimString or ResultType.Null => ResultType.BulkString,
        ResultType.Boolean => ResultType.Integer,
        ResultType.BlobError => ResultType.Error,
        _ => Resp3Type,
    };

    /// <summary>True for a null reply.</summary>
    public bool IsNull => Resp3Type == ResultType.Null;

    /// <summary>True for an error reply (only inside transactions and nested replies; top-level errors throw).</summary>
    public bool IsError => Resp3Type is ResultType.Error or ResultType.BlobError;

    /// <summary>Number of items of an aggregate, or -1 for a scalar.</summary>
    public int Length => _items?.Length ?? -1;

    /// <summary>The item at <paramref name="index"/> of an aggregate.</summary>
    public RedisResult this[int index] => (_items ?? throw new InvalidCastException($"A {Resp3Type} reply has no items.."))[index];

    /// <summary>A scalar result.</summary>
    public static RedisResult Create(RedisValue value, ResultType type = ResultType.BulkString) =>
        value.IsNull ? NullSingle : new(type, value, null, null);

    /// <summary>An aggregate result.</summary>
    public static RedisResult Create(RedisResult[] items, ResultType type = ResultType.Array) => new(type, RedisValue.Null, items, null);

    /// <summary>An error result (server text).</summary>
    public static RedisResult CreateError(string message) => new(ResultType.Error, RedisValue.Null, null, message);

    /// <summary>The scalar value; for an aggregate of one item, that item's value.</summary>
    public RedisValue AsRedisValue()
    {
        ThrowIfError();
        if (_items is { } items)
        {
            return items.Length == 1 ? items[0].AsRedisValue() : throw new InvalidCastException($"Cannot convert a {Resp3Type} of {items.Length} items to a single value.");
        }
        return _value;
    }

    /// <summary>The aggregate's items (a scalar becomes one item; null gives null).</summary>
    public RedisResult[]? AsArray()
    {
        ThrowIfError();
        if (IsNull)
        {
            return null;
        }
        return _items ?? [this];
    }

    /// <summary>A map reply (or a flat array of pairs) as a dictionary.</summary>
    public Dictionary<string, RedisResult> ToDictionary()
    {
        var items = AsArray() ?? NoItems;
        if (items.Length % 2 != 0)
        {
            throw new InvalidCastException("A reply with an odd number of items is not a map.");
        }
        var map = new Dictionary<string, RedisResult>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i += 2)
        {
            map[(string?)items[i] ?? string.Empty] = items[i + 1];
        }
        return map;
    }

    /// <inheritdoc />
    public override string ToString() => IsError ? _error! : _items is { } items
        ? $"{Resp3Type}[{items.Length}]"
        : _value.ToString() ?? "(null)";

    private void ThrowIfError()
    {
        if (IsError)
        {
            throw RedisServerException.FromMessage(_error!);
        }
    }

    /// <summary>The scalar as a string.</summary>
    public static explicit operator string?(RedisResult? result) => result is null ? null : (string?)result.AsRedisValue();

    /// <summary>The scalar as bytes.</summary>
    public static explicit operator byte[]?(RedisResult? result) => result is null ? null : (byte[]?)result.AsRedisValue();

    /// <summary>The scalar as an integer.</summary>
    public static explicit operator long(RedisResult result) => (long)NotNull(result).AsRedisValue();

    /// <summary>The scalar as an integer.</summary>
    public static explicit operator int(RedisResult result) => (int)NotNull(result).AsRedisValue();

    /// <summary>The scalar as a double.</summary>
    public static explicit operator double(RedisResult result) => (double)NotNull(result).AsRedisValue();

    /// <summary>The scalar as a boolean.</summary>
    public static explicit operator bool(RedisResult result) => (bool)NotNull(result).AsRedisValue();

    /// <summary>The scalar as an integer or null.</summary>
    public static explicit operator long?(RedisResult? result) => result is null || result.IsNull ? null : (long)result;

    /// <summary>The scalar as a double or null.</summary>
    public static explicit operator double?(RedisResult? result) => result is null || result.IsNull ? null : (double)result;

    /// <summary>The scalar.</summary>
    public static explicit operator RedisValue(RedisResult? result) => result is null ? RedisValue.Null : result.AsRedisValue();

    /// <summary>The scalar as a key.</summary>
    public static explicit operator RedisKey(RedisResult? result) => result is null ? default : (byte[]?)result.AsRedisValue();

    /// <summary>The aggregate's items.</summary>
    public static explicit operator RedisResult[]?(RedisResult? result) => result?.AsArray();

    /// <summary>The aggregate's items as values.</summary>
    public static explicit operator RedisValue[]?(RedisResult? result) => result?.AsArray()?.Select(r => r.AsRedisValue()).ToArray();

    /// <summary>The aggregate's items as strings.</summary>
    public static explicit operator string?[]?(RedisResult? result) => result?.AsArray()?.Select(r => (string?)r).ToArray();

    /// <summary>The aggregate's items as integers.</summary>
    public static explicit operator long[]?(RedisResult? result) => result?.AsArray()?.Select(r => (long)r).ToArray();

    /// <summary>The aggregate's items as keys.</summary>
    public static explicit operator RedisKey[]?(RedisResult? result) => result?.AsArray()?.Select(r => (RedisKey)r).ToArray();

    private static RedisResult NotNull(RedisResult? result) => result ?? throw new InvalidCastException("The result is null.");

    internal static string FormatInvariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
