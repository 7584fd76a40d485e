using McpAspire.Redis.Protocol;

namespace McpAspire.Redis.Connections;

/// <summary>Receives pub/sub messages from the subscription connection's read loop.</summary>
internal interface IPushHandler
{
    /// <summary>A <c>message</c>/<c>pmessage</c>/<c>smessage</c> frame (RESP3 push or RESP2 array).</summary>
    void OnMessage(in RespFrame frame);
}
