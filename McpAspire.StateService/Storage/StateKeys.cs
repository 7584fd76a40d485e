using McpAspire.StateService.Options;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Storage;

/// <summary>
/// The key schema. One session's keys carry its id as a cluster hash tag (<c>mcp:{sid}:…</c>) so they share a slot;
/// per-owner connection keys carry the owner as the tag (<c>mcp:user:{alice}:…</c>); the global session index and its
/// owner map share the tag <c>{sessions}</c>; a principal's index carries the principal. So every script touches one
/// slot (Redis Cluster); work across sessions (index upkeep, listing, sweeping) is separate commands, pipelined.
/// </summary>
public sealed class StateKeys
{
    private readonly string _p;

    /// <summary>Creates the schema for the configured prefix.</summary>
    public StateKeys(IOptions<StateOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _p = options.Value.KeyPrefix;
    }

    /// <summary>The prefix (default <c>mcp</c>).</summary>
    public string Prefix => _p;

    /// <summary>Session record (hash).</summary>
    public string Session(string sid) => $"{_p}:{{{sid}}}:session";

    /// <summary>Names of the session's MCP clients (set).</summary>
    public string Clients(string sid) => $"{_p}:{{{sid}}}:clients";

    /// <summary>Prefix of one client's record (hash); the client name follows.</summary>
    public string ClientPrefix(string sid) => $"{_p}:{{{sid}}}:client:";

    /// <summary>Session event log (list).</summary>
    public string Events(string sid) => $"{_p}:{{{sid}}}:events";

    /// <summary>All live sessions, scored by creation time (sorted set): the sweep's index.</summary>
    public string SessionIndex => $"{_p}:{{sessions}}:index";

    /// <summary>Owner of each indexed session (hash sid → principal), so a sweep can clean the principal index.</summary>
    public string SessionOwners => $"{_p}:{{sessions}}:owners";

    /// <summary>One principal's sessions, scored by creation time (sorted set).</summary>
    public string PrincipalIndex(string principal) => $"{_p}:principal:{{{principal}}}:sessions";

    /// <summary>Connected server names of a user or anonymous session key (set).</summary>
    public string Connections(string scope, string owner) => $"{_p}:{scope}:{{{owner}}}:connections";

    /// <summary>Prefix of one owner's per-server keys; <c>{server}:status|tools|connected_at</c> follow.</summary>
    public string ServerPrefix(string scope, string owner) => $"{_p}:{scope}:{{{owner}}}:server:";

    /// <summary>Cached catalog of one downstream server (string).</summary>
    public string Catalog(string server) => $"{_p}:catalog:{{{server}}}";

    /// <summary>Pub/sub channel of changes, fanned out to <c>/events</c> subscribers of every replica.</summary>
    public string ChangesChannel => $"{_p}:changes";
}
