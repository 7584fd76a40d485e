using McpAspire.Dashboard.Configuration;
using McpAspire.Dashboard.Telemetry;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Storage;

/// <summary>Structured log records in a ring of <see cref="StorageOptions.MaxLogs"/> entries; the oldest are overwritten.</summary>
public sealed class LogStore
{
    private readonly Lock _lock = new();
    private readonly LogRecordEntry?[] _ring;
    private int _start;
    private int _count;
    private long _nextId;
    private long _evicted;

    public LogStore(IOptions<DashboardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ring = new LogRecordEntry?[options.Value.Storage.MaxLogs];
    }

    /// <summary>Records held now.</summary>
    public int Count { get { lock (_lock) { return _count; } } }

    /// <summary>Records evicted since start.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Id of the newest record (0 when none arrived yet).</summary>
    public long LastId { get { lock (_lock) { return _nextId; } } }

    /// <summary>Adds a batch under one lock.</summary>
    public void Add(IReadOnlyList<LogRecordEntry> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_lock)
        {
            foreach (var record in records)
            {
                // Ids are assigned under the lock so ring order and id order agree (queries rely on it).
                record.Id = ++_nextId;
                if (_count < _ring.Length)
                {
                    _ring[(_start + _count) % _ring.Length] = record;
                    _count++;
                }
                else
                {
                    _ring[_start] = record;
                    _start = (_start + 1) % _ring.Length;
                    _evicted++;
                }
            }
        }
    }

    /// <summary>Matching records, newest first.</summary>
    public IReadOnlyList<LogRecordEntry> Query(LogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 5000);
        var result = new List<LogRecordEntry>(Math.Min(limit, 128));
        lock (_lock)
        {
            for (var i = _count - 1; i >= 0 && result.Count < limit; i--)
            {
                var record = _ring[(_start + i) % _ring.Length]!;
                if (record.Id <= query.AfterId)
                {
                    // Records are stored in id order per batch; older ones cannot match either.
                    break;
                }
                if (Matches(record, query))
                {
                    result.Add(record);
                }
            }
        }
        return result;
    }

    private static bool Matches(LogRecordEntry record, LogQuery query)
    {
        if (record.SeverityNumber < query.MinSeverity)
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.Resource) && !string.Equals(record.Resource, query.Resource, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.TraceId) && !string.Equals(record.TraceId, query.TraceId, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!string.IsNullOrEmpty(query.Text))
        {
            var text = query.Text;
            if (record.Message.Contains(text, StringComparison.OrdinalIgnoreCase) || record.Scope.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            foreach (var attribute in record.Attributes)
            {
                if (attribute.Value.Contains(text, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }
}
