using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace McpAspire.Redis;

/// <summary>
/// A Redis value: null, a string, bytes, an integer or a double, converted on demand. Shaped like StackExchange.Redis's
/// <c>RedisValue</c>; a struct so typed commands allocate nothing for integers and doubles.
/// </summary>
public readonly struct RedisValue : IEquatable<RedisValue>, IComparable<RedisValue>
{
    // Bytes: _obj is the byte[] and _bits packs offset (high 32) and length (low 32).
    private readonly object? _obj;
    private readonly long _bits;
    private readonly StorageKind _kind;

    internal enum StorageKind : byte
    {
        Null = 0,
        String,
        Bytes,
        Int64,
        Double,
    }

    private RedisValue(object? obj, long bits, StorageKind kind)
    {
        _obj = obj;
        _bits = bits;
        _kind = kind;
    }

    /// <summary>The null value (a missing key or field).</summary>
    public static RedisValue Null => default;

    /// <summary>The empty string.</summary>
    public static RedisValue EmptyString { get; } = new(string.Empty, 0, StorageKind.String);

    internal StorageKind Kind => _kind;

    internal object? Object => _obj;

    internal long Bits => _bits;

    /// <summary>True when there is no value.</summary>
    public bool IsNull => _kind == StorageKind.Null;

    /// <summary>True when there is a value (possibly empty).</summary>
    public bool HasValue => _kind != StorageKind.Null;

    /// <summary>True when there is no value or it is empty.</summary>
    public bool IsNullOrEmpty => _kind switch
    {
        StorageKind.Null => true,
        StorageKind.String => ((string)_obj!).Length == 0,
        StorageKind.Bytes => (int)_bits == 0,
        _ => false,
    };

    /// <summary>True when the value is stored as an integer (or is a string/bytes that parses as one).</summary>
    public bool IsInteger => _kind == StorageKind.Int64 || (_kind is StorageKind.String or StorageKind.Bytes && TryParse(out long _));

    internal ReadOnlySpan<byte> ByteSpan => new((byte[])_obj!, (int)(_bits >> 32), (int)_bits);

    internal static RedisValue FromBytes(byte[] array, int offset, int length) => new(array, ((long)offset << 32) | (uint)length, StorageKind.Bytes);

    /// <summary>Length in bytes of the value's UTF-8/RESP form.</summary>
    public long Length() => _kind switch
    {
        StorageKind.Null => 0,
        StorageKind.String => Encoding.UTF8.GetByteCount((string)_obj!),
        StorageKind.Bytes => (int)_bits,
        _ => ToString()!.Length,
    };

    /// <summary>Parses the value as a 64-bit integer.</summary>
    public bool TryParse(out long value)
    {
        switch (_kind)
        {
            case StorageKind.Int64:
                value = _bits;
                return true;
            case StorageKind.Double:
                var d = BitConverter.Int64BitsToDouble(_bits);
                value = (long)d;
                return value == d;
            case StorageKind.String:
                return long.TryParse((string)_obj!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            case StorageKind.Bytes:
                return Utf8Parser.TryParse(ByteSpan, out value, out var consumed) && consumed == (int)_bits;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Parses the value as a double (accepts Redis's <c>inf</c>, <c>+inf</c>, <c>-inf</c>).</summary>
    public bool TryParse(out double value)
    {
        switch (_kind)
        {
            case StorageKind.Int64:
                value = _bits;
                return true;
            case StorageKind.Double:
                value = BitConverter.Int64BitsToDouble(_bits);
                return true;
            case StorageKind.String:
            case StorageKind.Bytes:
                return TryParseDouble(_kind == StorageKind.String ? (string)_obj! : Encoding.UTF8.GetString(ByteSpan), out value);
            default:
                value = 0;
                return false;
        }
    }

    internal static bool TryParseDouble(string text, out double value)
    {
        switch (text)
        {
            case "inf" or "+inf" or "Infinity" or "+Infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-Infinity":
                value = double.NegativeInfinity;
                return true;
            case "nan":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    internal static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string? ToString() => _kind switch
    {
        StorageKind.Null => null,
        StorageKind.String => (string)_obj!,
        StorageKind.Bytes => Encoding.UTF8.GetString(ByteSpan),
        StorageKind.Int64 => _bits.ToString(CultureInfo.InvariantCulture),
        StorageKind.Double => FormatDouble(BitConverter.Int64BitsToDouble(_bits)),
        _ => null,
    };

    /// <summary>The value's bytes (a copy unless it is already a whole array).</summary>
    public byte[]? ToByteArray()
    {
        switch (_kind)
        {
            case StorageKind.Null:
                return null;
            case StorageKind.Bytes:
                var array = (byte[])_obj!;
                return (_bits >> 32) == 0 && (int)_bits == array.Length ? array : ByteSpan.ToArray();
            default:
                return Encoding.UTF8.GetBytes(ToString()!);
        }
    }

    /// <inheritdoc />
    public bool Equals(RedisValue other)
    {
        if (_kind == StorageKind.Null || other._kind == StorageKind.Null)
        {
            return _kind == other._kind;
        }
        if (_kind == other._kind)
        {
            switch (_kind)
            {
                case StorageKind.String:
                    return string.Equals((string)_obj!, (string)other._obj!, StringComparison.Ordinal);
                case StorageKind.Int64:
                    return _bits == other._bits;
                case StorageKind.Double:
                    return BitConverter.Int64BitsToDouble(_bits).Equals(BitConverter.Int64BitsToDouble(other._bits));
                case StorageKind.Bytes:
                    return ByteSpan.SequenceEqual(other.ByteSpan);
            }
        }
        if (_kind is StorageKind.Int64 or StorageKind.Double && other._kind is StorageKind.Int64 or StorageKind.Double)
        {
            return ((double)this).Equals((double)other);
        }
        return ((ReadOnlySpan<byte>)ToByteArray()).SequenceEqual(other.ToByteArray());
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj switch
    {
        RedisValue v => Equals(v),
        string s => Equals((RedisValue)s),
        byte[] b => Equals((RedisValue)b),
        long l => Equals((RedisValue)l),
        int i => Equals((RedisValue)i),
        double d => Equals((RedisValue)d),
        null => IsNull,
        _ => false,
    };

    /// <inheritdoc />
    /// <remarks>Hashes the canonical text form, so values that are <see cref="Equals(RedisValue)"/> (5, "5", 5.0) hash alike.</remarks>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        switch (_kind)
        {
            case StorageKind.Null:
                return 0;
            case StorageKind.Bytes:
                hash.AddBytes(ByteSpan);
                break;
            case StorageKind.Int64:
            {
                Span<byte> digits = stackalloc byte[24];
                Utf8Formatter.TryFormat(_bits, digits, out var n);
                hash.AddBytes(digits[..n]);
                break;
            }
            case StorageKind.Double:
            {
                var d = BitConverter.Int64BitsToDouble(_bits);
                if (d is >= long.MinValue and <= long.MaxValue && d == Math.Floor(d))
                {
                    return ((RedisValue)(long)d).GetHashCode();
                }
                hash.AddBytes(Encoding.UTF8.GetBytes(ToString()!));
                break;
            }
            default:
                hash.AddBytes(Encoding.UTF8.GetBytes((string)_obj!));
                break;
        }
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public int CompareTo(RedisValue other)
    {
        if (_kind is StorageKind.Int64 or StorageKind.Double && other._kind is StorageKind.Int64 or StorageKind.Double)
        {
            return ((double)this).CompareTo((double)other);
        }
        return ((ReadOnlySpan<byte>)ToByteArray()).SequenceCompareTo(other.ToByteArray());
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(RedisValue left, RedisValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RedisValue left, RedisValue right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(RedisValue left, RedisValue right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(RedisValue left, RedisValue right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(RedisValue left, RedisValue right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(RedisValue left, RedisValue right) => left.CompareTo(right) >= 0;

    /// <summary>A string value (null gives <see cref="Null"/>).</summary>
    public static implicit operator RedisValue(string? value) => value is null ? Null : new(value, 0, StorageKind.String);

    /// <summary>A bytes value, not copied (null gives <see cref="Null"/>).</summary>
    public static implicit operator RedisValue(byte[]? value) => value is null ? Null : FromBytes(value, 0, value.Length);

    /// <summary>A bytes value; array-backed memory is not copied.</summary>
    public static implicit operator RedisValue(ReadOnlyMemory<byte> value)
    {
        if (MemoryMarshal.TryGetArray(value, out var segment) && segment.Array is not null)
        {
            return FromBytes(segment.Array, segment.Offset, segment.Count);
        }
        return value.ToArray();
    }

    /// <summary>A bytes value; array-backed memory is not copied.</summary>
    public static implicit operator RedisValue(Memory<byte> value) => (ReadOnlyMemory<byte>)value;

    /// <summary>An integer value.</summary>
    public static implicit operator RedisValue(int value) => new(null, value, StorageKind.Int64);

    /// <summary>An integer value.</summary>
    public static implicit operator RedisValue(long value) => new(null, value, StorageKind.Int64);

    /// <summary>An integer value.</summary>
    public static implicit operator RedisValue(uint value) => new(null, value, StorageKind.Int64);

    /// <summary>A double value.</summary>
    public static implicit operator RedisValue(double value) => new(null, BitConverter.DoubleToInt64Bits(value), StorageKind.Double);

    /// <summary>A boolean as Redis stores it: 1 or 0.</summary>
    public static implicit operator RedisValue(bool value) => new(null, value ? 1 : 0, StorageKind.Int64);

    /// <summary>An integer value or <see cref="Null"/>.</summary>
    public static implicit operator RedisValue(int? value) => value is { } v ? v : Null;

    /// <summary>An integer value or <see cref="Null"/>.</summary>
    public static implicit operator RedisValue(long? value) => value is { } v ? v : Null;

    /// <summary>A double value or <see cref="Null"/>.</summary>
    public static implicit operator RedisValue(double? value) => value is { } v ? v : Null;

    /// <summary>A boolean or <see cref="Null"/>.</summary>
    public static implicit operator RedisValue(bool? value) => value is { } v ? v : Null;

    /// <summary>The value as a string (null when <see cref="IsNull"/>).</summary>
    public static explicit operator string?(RedisValue value) => value.ToString();

    /// <summary>The value's bytes (null when <see cref="IsNull"/>).</summary>
    public static explicit operator byte[]?(RedisValue value) => value.ToByteArray();

    /// <summary>The value's bytes, without copying when they are already bytes.</summary>
    public static implicit operator ReadOnlyMemory<byte>(RedisValue value) => value._kind switch
    {
        StorageKind.Null => ReadOnlyMemory<byte>.Empty,
        StorageKind.Bytes => new ReadOnlyMemory<byte>((byte[])value._obj!, (int)(value._bits >> 32), (int)value._bits),
        _ => value.ToByteArray(),
    };

    /// <summary>The value as an integer; null is 0; throws <see cref="InvalidCastException"/> when it is not one.</summary>
    public static explicit operator long(RedisValue value) => value.IsNull ? 0
        : value.TryParse(out long l) ? l
        : throw new InvalidCastException($"Unable to cast Redis value '{Truncate(value)}' to a 64-bit integer.");

    /// <summary>The value as an integer; null is 0.</summary>
    public static explicit operator int(RedisValue value) => checked((int)(long)value);

    /// <summary>The value as a double; null is 0.</summary>
    public static explicit operator double(RedisValue value) => value.IsNull ? 0
        : value.TryParse(out double d) ? d
        : throw new InvalidCastException($"Unable to cast Redis value '{Truncate(value)}' to a double.");

    /// <summary>The value as a boolean: integers are true when non-zero; "true"/"false" strings are accepted.</summary>
    public static explicit operator bool(RedisValue value)
    {
        if (value.TryParse(out long l))
        {
            return l != 0;
        }
        return bool.TryParse(value.ToString(), out var b) ? b
            : throw new InvalidCastException($"Unable to cast Redis value '{Truncate(value)}' to a boolean.");
    }

    /// <summary>The value as an integer or null.</summary>
    public static explicit operator long?(RedisValue value) => value.IsNull ? null : (long)value;

    /// <summary>The value as an integer or null.</summary>
    public static explicit operator int?(RedisValue value) => value.IsNull ? null : (int)value;

    /// <summary>The value as a double or null.</summary>
    public static explicit operator double?(RedisValue value) => value.IsNull ? null : (double)value;

    /// <summary>The value as a boolean or null.</summary>
    public static explicit operator bool?(RedisValue value) => value.IsNull ? null : (bool)value;

    private static string Truncate(RedisValue value)
    {
        var s = value.ToString() ?? string.Empty;
        return s.Length <= 64 ? s : s[..64] + "…";
    }
}
