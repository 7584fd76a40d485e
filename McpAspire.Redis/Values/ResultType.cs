namespace McpAspire.Redis;

/// <summary>The RESP type of a reply, as StackExchange.Redis names it (RESP2 types are a subset).</summary>
public enum ResultType : byte
{
    /// <summary>No type (not a reply).</summary>
    None = 0,

    /// <summary><c>+</c> simple string.</summary>
    SimpleString = 1,

    /// <summary><c>-</c> error.</summary>
    Error = 2,

    /// <summary><c>:</c> integer.</summary>
    Integer = 3,

    /// <summary><c>$</c> bulk string.</summary>
    BulkString = 4,

    /// <summary><c>*</c> array.</summary>
    Array = 5,

    /// <summary><c>_</c> null (RESP3); RESP2 nulls are a bulk string or array of length -1.</summary>
    Null = 8,

    /// <summary><c>#</c> boolean (RESP3).</summary>
    Boolean = 9,

    /// <summary><c>,</c> double (RESP3).</summary>
    Double = 10,

    /// <summary><c>(</c> big number (RESP3).</summary>
    BigInteger = 11,

    /// <summary><c>!</c> blob error (RESP3).</summary>
    BlobError = 12,

    /// <summary><c>=</c> verbatim string (RESP3).</summary>
    VerbatimString = 13,

    /// <summary><c>%</c> map (RESP3).</summary>
    Map = 14,

    /// <summary><c>~</c> set (RESP3).</summary>
    Set = 15,

    /// <summary><c>|</c> attribute (RESP3).</summary>
    Attribute = 16,

    /// <summary><c>&gt;</c> push (RESP3).</summary>
    Push = 17,
}
