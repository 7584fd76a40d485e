using System.Collections.Frozen;
using McpAspire.Gateway.Catalog;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.RateLimiting;

/// <summary>Maps a request (method, tool name) to the <see cref="RateLimitPlan"/> it counts against, from plans built once.</summary>
internal sealed class RateLimitPolicy
{
    private readonly FrozenSet<string> _exempt;
    private readonly RateLimitPlan? _principalOnly;
    private readonly RateLimitPlan? _defaultTool;
    private readonly FrozenDictionary<string, RateLimitPlan> _toolOverrides;

    public RateLimitPolicy(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _exempt = options.EffectiveExemptMethods.ToFrozenSet(StringComparer.Ordinal);
        _principalOnly = options.Principal is null ? null : new RateLimitPlan(options.Principal, null);
        _defaultTool = options.Tool is null ? null : new RateLimitPlan(options.Principal, options.Tool);
        _toolOverrides = options.Tools.ToFrozenDictionary(t => t.Key, t => new RateLimitPlan(options.Principal, t.Value), StringComparer.Ordinal);
    }

    /// <summary>Null when the request is not counted at all.</summary>
    public RateLimitPlan? Resolve(string method, string? toolName)
    {
        if (_exempt.Contains(method))
        {
            return null;
        }
        if (toolName is not null && method == RequestMethods.ToolsCall)
        {
            return _toolOverrides.GetValueOrDefault(toolName) ?? _defaultTool ?? _principalOnly;
        }
        return _principalOnly;
    }

    /// <summary>
    /// The tool name a <c>tools/call</c> counts under, or null. Names the gateway could never expose (the call will fail
    /// as an unknown tool) get no bucket of their own, so made-up names cannot create keys; the principal limit still counts them.
    /// </summary>
    public static string? ToolNameOf(string method, string? name) =>
        method == RequestMethods.ToolsCall
        && name is not null
        && ExposedNames.Pattern().IsMatch(name)
            ? name
            : null;
}
