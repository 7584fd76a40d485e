using StackExchange.Redis;

namespace McpAspire.SessionSharing;

/// <summary>
/// Redis names of one session's event streams: a counter (<c>{prefix}:{{session}}:seq</c>), one Redis stream per SSE
/// stream (<c>…:s:{stream}</c>, entry ids <c>0-{sequence}</c>), its polling-mode flag (<c>…:m:{stream}</c>) and the
/// session's announcement channel (<c>{prefix}:{session}</c>, message = encoded stream id). The session id is the keys'
/// hash tag, so one script may touch all of them on a Redis Cluster too (without it: CROSSSLOT, seen as a 500 in the
/// Kubernetes deploy contract test on a 3-node cluster).
/// </summary>
internal readonly record struct RedisStreamKeys(string Prefix, string SessionId, string StreamId)
{
    public string EncodedStream => EventIds.EncodeStream(StreamId);

    public RedisKey Sequence => $"{Prefix}:{{{SessionId}}}:seq";

    public RedisKey Stream => $"{Prefix}:{{{SessionId}}}:s:{EncodedStream}";

    public RedisKey Mode => $"{Prefix}:{{{SessionId}}}:m:{EncodedStream}";

    public RedisChannel Channel => RedisChannel.Literal($"{Prefix}:{SessionId}");
}
