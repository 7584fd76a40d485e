using System.ComponentModel.DataAnnotations;

namespace McpAspire.SessionSharing;

/// <summary>Settings of shared 2025-era sessions (configuration section <c>SessionSharing</c>).</summary>
public sealed class SessionSharingOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "SessionSharing";

    /// <summary>
    /// The state service principal every session record is stored under. The migration hook must find a record by id
    /// alone, so the service owns the records as one principal and compares the caller itself (404 on mismatch).
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._@:+=/-]{1,256}$")]
    public string Principal { get; set; } = "mcp-endpoint";

    /// <summary>Base address of the state service (service discovery name by default).</summary>
    [Required]
    public string StateBaseAddress { get; set; } = "https+http://statesvc";

    /// <summary>Upper bound of one state service call; past it the request gets 503 instead of waiting.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle lifetime of a session (the state service's sliding TTL) and of its recorded events.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a finished event stream (a POST's response stream that has ended, or a deleted session's GET stream) is
    /// kept for a client that lost its connection and resumes with <c>Last-Event-ID</c> (at most <see cref="IdleTimeout"/>).
    /// Until a stream ends it lives as long as the session; keeping every finished response stream that long cost ~4.8 KB
    /// of Redis per call (a new Redis stream reserves a 4 KB node), and idle sessions more than the 2 KB they need.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CompletedStreamRetention { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Prefix of the Redis keys and channels of the event streams.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:._{}-]{1,64}$")]
    public string RedisKeyPrefix { get; set; } = "mcp:sse";

    /// <summary>
    /// How long an open stream reader waits for a Redis announcement before it reads the stream again anyway (covers an
    /// announcement lost while the pub/sub connection was re-established) and checks that the stream still exists.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ReaderRecheckInterval { get; set; } = TimeSpan.FromSeconds(15);
}
