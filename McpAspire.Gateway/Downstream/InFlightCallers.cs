using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Downstream;

/// <summary>
/// The upstream clients (their session's server object) with a request in flight on one shared downstream connection.
/// A server→client request from the downstream (sampling, elicitation, roots) carries no link to the request that
/// caused it, so it is forwarded only when exactly one eligible caller is in flight; otherwise it fails with a clear
/// error rather than risk asking the wrong user. Over HTTP, sessions that can answer such requests get their own
/// downstream session (<see cref="DedicatedDownstreamClients"/>), so this applies to stdio downstreams, to 2026 callers
/// and past that limit.
/// </summary>
public sealed class InFlightCallers
{
    private readonly Lock _lock = new();
    private readonly List<McpServer> _callers = [];

    /// <summary>
    /// Registers a caller for the duration of its request. A caller that can answer none of these requests (most
    /// callers: every 2026 client without those capabilities) is never a candidate, so it is not registered and the
    /// call takes no shared lock.
    /// </summary>
    public IDisposable? Enter(McpServer caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
#pragma warning disable MCP9005 // sampling and roots are deprecated in 2026-07-28 but 2025-era clients still offer them
        if (caller.ClientCapabilities is not ({ Sampling: not null } or { Elicitation: not null } or { Roots: not null }))
#pragma warning restore MCP9005
        {
            return null;
        }
        lock (_lock)
        {
            _callers.Add(caller);
        }
        return new Exit(this, caller);
    }

    /// <summary>The one caller able to answer <paramref name="method"/>, or an MCP error explaining why there is none.</summary>
    public McpServer Single(string method, string server, Func<McpServer, bool> eligible)
    {
        List<McpServer> candidates;
        lock (_lock)
        {
            candidates = _callers.Where(eligible).Distinct().ToList();
        }
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new McpProtocolException($"MCP server '{server}' sent {method}, but no client with that capability has a request in flight through the gateway.", McpErrorCode.InvalidRequest),
            _ => throw new McpProtocolException($"MCP server '{server}' sent {method} while {candidates.Count} clients have requests in flight; the gateway cannot tell which one it is for.", McpErrorCode.InvalidRequest),
        };
    }

    private sealed class Exit(InFlightCallers owner, McpServer caller) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                lock (owner._lock)
                {
                    owner._callers.Remove(caller);
                }
            }
        }
    }
}
