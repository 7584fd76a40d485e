using McpAspire.Dashboard.Configuration;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Security;

/// <summary>The browser login token: configured (<c>Dashboard:Frontend:BrowserToken</c>) or random per run.</summary>
public sealed class BrowserToken
{
    public BrowserToken(IOptions<DashboardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.Frontend.BrowserToken;
        Value = string.IsNullOrEmpty(configured) ? ApiKeys.NewToken() : configured;
        McpKey = string.IsNullOrEmpty(options.Value.Mcp.ApiKey) ? Value : options.Value.Mcp.ApiKey;
        Unsecured = options.Value.Unsecured;
    }

    /// <summary>The token a user presents at <c>/login?t=…</c>.</summary>
    public string Value { get; }

    /// <summary>The key the MCP endpoint requires (its own, or the browser token).</summary>
    public string McpKey { get; }

    /// <summary>True when no login is required.</summary>
    public bool Unsecured { get; }
}
