using System.Collections.Concurrent;

namespace McpAspire.Dashboard.Otlp;

/// <summary>
/// Shares one instance of repeated strings (attribute keys, resource and scope names) among stored records, so
/// retained memory scales with distinct values, not with record count. Bounded so hostile input cannot grow it.
/// </summary>
internal sealed class StringInterner
{
    private const int MaxEntries = 16_384;
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    public string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var existing))
        {
            return existing;
        }
        if (_strings.Count >= MaxEntries || value.Length > 256)
        {
            return value;
        }
        return _strings.GetOrAdd(value, value);
    }
}
