using System.Collections.Concurrent;

namespace McpAspire.Dashboard.Otlp;

/// <summary>
/// Shares one instance of repeated strings (attribute keys and short values, resource and scope names) among stored
/// records, so retained memory scales with distinct values, not with record count. Bounded so hostile or
/// high-cardinality input cannot grow it: when full it starts over (a later duplicate is then simply not shared).
/// </summary>
internal sealed class StringInterner
{
    private readonly int _maxEntries;
    private readonly int _maxLength;
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    public StringInterner(int maxEntries, int maxLength)
    {
        _maxEntries = maxEntries;
        _maxLength = maxLength;
    }

    public string Intern(string value)
    {
        if (value.Length > _maxLength)
        {
            return value;
        }
        if (_strings.TryGetValue(value, out var existing))
        {
            return existing;
        }
        if (_strings.Count >= _maxEntries)
        {
            _strings.Clear();
        }
        return _strings.GetOrAdd(value, value);
    }
}
