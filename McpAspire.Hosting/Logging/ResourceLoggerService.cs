using System.Collections.Concurrent;

namespace McpAspire.Hosting.Logging;

/// <summary>Console output of every resource, kept per resource in a bounded buffer (for the dashboard and diagnostics).</summary>
public sealed class ResourceLoggerService
{
    private readonly ConcurrentDictionary<string, ResourceLogBuffer> _buffers = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _capacity;

    /// <summary>Creates the service.</summary>
    public ResourceLoggerService(int capacityPerResource = 2000)
    {
        _capacity = capacityPerResource;
    }

    /// <summary>The buffer of a resource (created on first use).</summary>
    public ResourceLogBuffer GetBuffer(string resourceName) => _buffers.GetOrAdd(resourceName, _ => new ResourceLogBuffer(_capacity));

    /// <summary>The newest <paramref name="count"/> lines of a resource, formatted for an error message.</summary>
    public string Tail(string resourceName, int count = 30)
    {
        var lines = GetBuffer(resourceName).Snapshot(count);
        return lines.Count == 0
            ? "    (no console output)"
            : string.Join(Environment.NewLine, lines.Select(l => $"    [{l.Replica}{(l.IsError ? " err" : "")}] {l.Text}"));
    }
}
