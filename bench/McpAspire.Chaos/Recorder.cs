using System.Collections.Concurrent;

namespace McpAspire.Chaos;

/// <summary>How one request ended, as its client saw it.</summary>
public enum Outcome
{
    /// <summary>The expected answer.</summary>
    Ok,

    /// <summary>A clear failure: an HTTP status with a JSON-RPC error body.</summary>
    RpcError,

    /// <summary>A tool result with <c>isError: true</c> (the tool ran and said why it failed).</summary>
    ToolError,

    /// <summary>A 5xx without a JSON-RPC error: what a client must never get.</summary>
    Empty5xx,

    /// <summary>Any other answer that is not a JSON-RPC message (or the wrong one).</summary>
    BadResponse,

    /// <summary>The connection was refused or dropped (a process was killed under it).</summary>
    Transport,

    /// <summary>No answer within the client timeout.</summary>
    Hung,
}

/// <summary>One request: when it started (seconds into the soak), what it was, how it ended.</summary>
public sealed record RequestRecord(double Start, string Kind, Outcome Outcome, double LatencyMs, int Status, int? RpcCode, string? Detail);

/// <summary>One injected fault: when it started and ended (seconds), what it hit, and when everything was healthy again.</summary>
public sealed record FaultRecord(int Index, FaultKind Kind, double Start, double End, string Target)
{
    /// <summary>Seconds from <see cref="End"/> until every resource was healthy and probes answered; null if never.</summary>
    public double? RecoverySeconds { get; set; }

    /// <summary>What was still unhealthy at the last look (when recovery took long or never came).</summary>
    public string? LastUnhealthy { get; set; }

    /// <summary>Seconds after <see cref="End"/> until each part was back, in the order they came back (where the time goes).</summary>
    public Dictionary<string, double> Milestones { get; } = [];

    /// <summary>The window in which errors are attributed to this fault: its start until a few seconds after recovery.</summary>
    public (double From, double To) Window(TimeSpan grace, TimeSpan minimum) =>
        (Start, End + Math.Max(RecoverySeconds ?? minimum.TotalSeconds, 0) + grace.TotalSeconds);
}

/// <summary>A process's resident memory at one moment.</summary>
public sealed record MemorySample(double T, string Resource, int Pid, double RssMiB);

/// <summary>A 2025-era session that answered 404 (gone) at a moment.</summary>
public sealed record SessionLoss(double T, string Client, string SessionId);

/// <summary>Everything the soak observed, appended from many tasks; time is seconds since the soak started.</summary>
public sealed class Recorder
{
    private readonly TimeProvider _time;
    private readonly long _start;

    public Recorder(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _start = time.GetTimestamp();
    }

    public ConcurrentQueue<RequestRecord> Requests { get; } = new();

    public ConcurrentQueue<FaultRecord> Faults { get; } = new();

    public ConcurrentQueue<MemorySample> Memory { get; } = new();

    public ConcurrentQueue<SessionLoss> SessionLosses { get; } = new();

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>The machine's 1-minute load average at the soak's start and end (/proc/loadavg): timings depend on it.</summary>
    public List<double> LoadAverages { get; } = [];

    /// <summary>Reads /proc/loadavg into <see cref="LoadAverages"/>.</summary>
    public void SampleLoad()
    {
        try
        {
            LoadAverages.Add(double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Seconds since the soak started.</summary>
    public double Now => _time.GetElapsedTime(_start).TotalSeconds;

    public void Add(RequestRecord record) => Requests.Enqueue(record);

    /// <summary>A line for the console (stderr) and the run's log.</summary>
    public void Note(string message)
    {
        var line = $"[{Now,7:F1}s] {message}";
        Log.Enqueue(line);
        Console.Error.WriteLine(line);
    }
}
