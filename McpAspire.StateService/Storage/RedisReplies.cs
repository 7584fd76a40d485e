using StackExchange.Redis;

namespace McpAspire.StateService.Storage;

/// <summary>Decoding of script replies (flat field/value arrays) without intermediate allocations where avoidable.</summary>
internal static class RedisReplies
{
    /// <summary>A flat HGETALL reply as a dictionary (field → value).</summary>
    public static Dictionary<string, string> ToHash(RedisResult result)
    {
        var items = (RedisResult[])result!;
        var hash = new Dictionary<string, string>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            hash[(string)items[i]!] = (string)items[i + 1]!;
        }
        return hash;
    }

    /// <summary>An HGETALL result as a dictionary (field → value).</summary>
    public static Dictionary<string, string> ToHash(HashEntry[] entries)
    {
        var hash = new Dictionary<string, string>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            hash[(string)entry.Name!] = (string)entry.Value!;
        }
        return hash;
    }

    public static long Long(Dictionary<string, string> hash, string field) =>
        hash.TryGetValue(field, out var v) && long.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

    public static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    /// <summary>Fields with a prefix (attributes '@', metadata 'm:'), prefix stripped.</summary>
    public static Dictionary<string, string> Prefixed(Dictionary<string, string> hash, string prefix)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in hash)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                result[key[prefix.Length..]] = value;
            }
        }
        return result;
    }
}
