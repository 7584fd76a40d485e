namespace McpAspire.Dashboard.Telemetry;

/// <summary>Points of one instrument for one attribute set, in a ring of fixed capacity (oldest evicted).</summary>
public sealed class MetricSeries
{
    private readonly MetricPoint[] _points;
    private int _start;

    public MetricSeries(TelemetryAttribute[] attributes, int capacity)
    {
        Attributes = attributes;
        _points = new MetricPoint[capacity];
    }

    public TelemetryAttribute[] Attributes { get; }

    /// <summary>Number of points held.</summary>
    public int Count { get; private set; }

    /// <summary>Explicit bucket bounds of the latest histogram point.</summary>
    public double[]? BucketBounds { get; set; }

    /// <summary>Bucket counts of the latest histogram point.</summary>
    public ulong[]? BucketCounts { get; set; }

    /// <summary>Appends a point, evicting the oldest when full; returns true when one was evicted.</summary>
    public bool Add(in MetricPoint point)
    {
        if (Count < _points.Length)
        {
            _points[(_start + Count) % _points.Length] = point;
            Count++;
            return false;
        }
        _points[_start] = point;
        _start = (_start + 1) % _points.Length;
        return true;
    }

    /// <summary>Copies the points, oldest first.</summary>
    public MetricPoint[] ToArray()
    {
        var result = new MetricPoint[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = _points[(_start + i) % _points.Length];
        }
        return result;
    }

    /// <summary>The latest point, if any.</summary>
    public MetricPoint? Last => Count == 0 ? null : _points[(_start + Count - 1) % _points.Length];
}
