using McpAspire.Dashboard.Configuration;
using McpAspire.Dashboard.Telemetry;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Storage;

/// <summary>
/// Metric instruments per resource, each with one series per attribute set. Memory is bounded by
/// <see cref="StorageOptions.MaxMetricSeries"/> × <see cref="StorageOptions.MaxPointsPerSeries"/>: each series is a ring,
/// and points of new series beyond the series cap are dropped (and counted).
/// </summary>
public sealed class MetricStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Resource, string Scope, string Name), MetricInstrument> _instruments = [];
    private readonly int _maxSeries;
    private readonly int _maxPoints;
    private int _seriesCount;
    private long _pointCount;
    private long _droppedPoints;
    private long _evictedPoints;

    public MetricStore(IOptions<DashboardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxSeries = options.Value.Storage.MaxMetricSeries;
        _maxPoints = options.Value.Storage.MaxPointsPerSeries;
    }

    /// <summary>Series held now.</summary>
    public int SeriesCount { get { lock (_lock) { return _seriesCount; } } }

    /// <summary>Points held now.</summary>
    public long PointCount { get { lock (_lock) { return _pointCount; } } }

    /// <summary>Points dropped because the series cap was reached.</summary>
    public long DroppedPoints => Interlocked.Read(ref _droppedPoints);

    /// <summary>Points evicted from full series.</summary>
    public long EvictedPoints => Interlocked.Read(ref _evictedPoints);

    /// <summary>Adds the points of one instrument under the lock.</summary>
    public void Add(MetricBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            var key = (batch.Resource, batch.Scope, batch.Name);
            if (!_instruments.TryGetValue(key, out var instrument))
            {
                if (_seriesCount >= _maxSeries)
                {
                    _droppedPoints += batch.Points.Count;
                    return;
                }
                instrument = new MetricInstrument { Resource = batch.Resource, Scope = batch.Scope, Name = batch.Name };
                _instruments.Add(key, instrument);
            }
            instrument.Description = batch.Description;
            instrument.Unit = batch.Unit;
            instrument.Type = batch.Type;
            instrument.IsMonotonic = batch.IsMonotonic;
            instrument.IsCumulative = batch.IsCumulative;
            foreach (var point in batch.Points)
            {
                if (!instrument.Series.TryGetValue(point.SeriesKey, out var series))
                {
                    if (_seriesCount >= _maxSeries)
                    {
                        _droppedPoints++;
                        continue;
                    }
                    series = new MetricSeries(point.Attributes, _maxPoints);
                    instrument.Series.Add(point.SeriesKey, series);
                    _seriesCount++;
                }
                if (series.Add(point.Point))
                {
                    _evictedPoints++;
                }
                else
                {
                    _pointCount++;
                }
                if (point.BucketBounds is not null)
                {
                    series.BucketBounds = point.BucketBounds;
                    series.BucketCounts = point.BucketCounts;
                }
                if (point.Point.TimeUnixNano > instrument.LastUnixNano)
                {
                    instrument.LastUnixNano = point.Point.TimeUnixNano;
                }
            }
        }
    }

    /// <summary>Instruments (optionally of one resource), sorted by resource and name.</summary>
    public IReadOnlyList<InstrumentSummary> ListInstruments(string? resource)
    {
        var result = new List<InstrumentSummary>();
        lock (_lock)
        {
            foreach (var instrument in _instruments.Values)
            {
                if (string.IsNullOrEmpty(resource) || string.Equals(instrument.Resource, resource, StringComparison.OrdinalIgnoreCase))
                {
                    result.Add(new InstrumentSummary(instrument.Resource, instrument.Scope, instrument.Name, instrument.Description,
                        instrument.Unit, instrument.Type, instrument.Series.Count, instrument.LastUnixNano));
                }
            }
        }
        result.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Resource, b.Resource);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        return result;
    }

    /// <summary>Copy of one instrument with all its series, or null.</summary>
    public InstrumentDetail? GetInstrument(string resource, string scope, string name)
    {
        lock (_lock)
        {
            if (!_instruments.TryGetValue((resource, scope, name), out var instrument))
            {
                return null;
            }
            var series = instrument.Series.Values
                .Select(s => new SeriesDetail(s.Attributes, s.ToArray(), s.BucketBounds, s.BucketCounts))
                .ToList();
            return new InstrumentDetail(
                new InstrumentSummary(instrument.Resource, instrument.Scope, instrument.Name, instrument.Description,
                    instrument.Unit, instrument.Type, instrument.Series.Count, instrument.LastUnixNano),
                instrument.IsMonotonic, instrument.IsCumulative, series);
        }
    }
}
