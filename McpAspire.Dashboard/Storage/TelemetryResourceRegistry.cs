namespace McpAspire.Dashboard.Storage;

/// <summary>Resources (service.name) and their instances seen in telemetry, for filters and the MCP tools.</summary>
public sealed class TelemetryResourceRegistry
{
    private const int MaxInstances = 1024;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SortedSet<string>> _resources = new(StringComparer.Ordinal);
    private int _instances;

    /// <summary>Records a resource and instance; cheap when already known.</summary>
    public void Observe(string resource, string? instance)
    {
        lock (_lock)
        {
            if (!_resources.TryGetValue(resource, out var instances))
            {
                if (_instances >= MaxInstances)
                {
                    return;
                }
                instances = new SortedSet<string>(StringComparer.Ordinal);
                _resources.Add(resource, instances);
            }
            if (instance is not null && _instances < MaxInstances && instances.Add(instance))
            {
                _instances++;
            }
        }
    }

    /// <summary>Resource names with their instance ids, sorted.</summary>
    public IReadOnlyList<KeyValuePair<string, string[]>> List()
    {
        lock (_lock)
        {
            return _resources.Select(r => new KeyValuePair<string, string[]>(r.Key, [.. r.Value])).ToList();
        }
    }
}
