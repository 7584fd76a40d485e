namespace McpAspire.Redis;

/// <summary>The RESP protocol version to ask for with HELLO.</summary>
public enum RedisProtocol
{
    /// <summary>RESP2 (no HELLO; AUTH and SETNAME as separate commands).</summary>
    Resp2 = 2,

    /// <summary>RESP3 through <c>HELLO 3</c>, falling back to RESP2 when the server refuses it.</summary>
    Resp3 = 3,
}
