using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Options;

/// <summary>State service settings, bound from the <c>State</c> section and validated at start-up.</summary>
public sealed class StateOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "State";

    /// <summary>Prefix of every key this service writes (the design's <c>mcp</c> keyspace).</summary>
    public string KeyPrefix { get; set; } = "mcp";

    /// <summary>Default idle TTL of a session; every access resets it.</summary>
    public TimeSpan SessionIdleTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Largest idle TTL a caller may ask for.</summary>
    public TimeSpan MaxSessionIdleTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>TTL of per-user and per-anonymous-session connection state.</summary>
    public TimeSpan ConnectionStateTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Events kept per session log (oldest trimmed first).</summary>
    public int EventLogMaxLength { get; set; } = 1000;

    /// <summary>Events older than this are trimmed on append.</summary>
    public TimeSpan EventLogMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Largest single event payload.</summary>
    public int MaxEventBytes { get; set; } = 256 * 1024;

    /// <summary>Largest request body (413 above).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How often expired sessions are detected (no keyspace notifications: Garnet has none).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>MCP clients idle longer than this are removed by the background cleanup; zero turns it off.</summary>
    public TimeSpan ClientMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Default catalog cache TTL when a caller gives none.</summary>
    public TimeSpan CatalogTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of ordinary API requests.</summary>
    public TimeSpan DefaultRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of long API requests (listing, cleanup).</summary>
    public TimeSpan LongRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events buffered per <c>/events</c> subscriber before it is disconnected (never silently dropped).</summary>
    public int SubscriberBufferSize { get; set; } = 10_000;
}

/// <summary>Rejects settings that cannot work, naming the setting.</summary>
public sealed class StateOptionsValidator : IValidateOptions<StateOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StateOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.KeyPrefix) || o.KeyPrefix.IndexOfAny(['{', '}', ' ']) >= 0)
        {
            errors.Add("State:KeyPrefix must be non-empty without braces or spaces.");
        }
        if (o.SessionIdleTtl < TimeSpan.FromSeconds(1) || o.SessionIdleTtl > o.MaxSessionIdleTtl)
        {
            errors.Add("State:SessionIdleTtl must be at least 1 s and not above State:MaxSessionIdleTtl.");
        }
        if (o.ConnectionStateTtl < TimeSpan.FromSeconds(1))
        {
            errors.Add("State:ConnectionStateTtl must be at least 1 s.");
        }
        if (o.EventLogMaxLength is < 1 or > 1_000_000)
        {
            errors.Add("State:EventLogMaxLength must be between 1 and 1,000,000.");
        }
        if (o.EventLogMaxAge < TimeSpan.FromSeconds(1))
        {
            errors.Add("State:EventLogMaxAge must be at least 1 s.");
        }
        if (o.MaxEventBytes < 1024 || o.MaxEventBytes > o.MaxRequestBodyBytes)
        {
            errors.Add("State:MaxEventBytes must be at least 1 KiB and not above State:MaxRequestBodyBytes.");
        }
        if (o.SweepInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("State:SweepInterval must be at least 100 ms.");
        }
        if (o.ClientMaxAge < TimeSpan.Zero)
        {
            errors.Add("State:ClientMaxAge must not be negative.");
        }
        if (o.DefaultRequestTimeout <= TimeSpan.Zero || o.LongRequestTimeout < o.DefaultRequestTimeout)
        {
            errors.Add("State:DefaultRequestTimeout must be positive and State:LongRequestTimeout at least as long.");
        }
        if (o.SubscriberBufferSize < 16)
        {
            errors.Add("State:SubscriberBufferSize must be at least 16.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
