using System.ComponentModel;
using System.Text.Json;
using McpAspire.ToolHost.Storage;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Agents;

/// <summary>Resources: the agent list, one agent, one mailbox (pending messages, not consumed). All support update notifications.</summary>
[McpServerResourceType]
internal sealed class AgentResources
{
    /// <summary>URI of the agent list.</summary>
    public const string ListUri = "agents://list";

    /// <summary>Prefix of one agent's URI.</summary>
    public const string AgentUriPrefix = "agents://";

    private readonly AgentStore _store;

    public AgentResources(AgentStore store) => _store = store;

    [McpServerResource(UriTemplate = ListUri, Name = "agents", Title = "Registered agents", MimeType = "application/json")]
    [Description("All registered agents with status, capabilities and queue length. Subscribe for updates when agents register, time out or leave.")]
    public async Task<TextResourceContents> ListAsync(CancellationToken cancellationToken)
    {
        var agents = await _store.ListAsync(null, null, cancellationToken).ConfigureAwait(false);
        return Json(ListUri, JsonSerializer.Serialize(new AgentList(agents, agents.Count), AgentJsonContext.Default.AgentList));
    }

    [McpServerResource(UriTemplate = "agents://{id}", Name = "agent", Title = "Agent", MimeType = "application/json")]
    [Description("One agent's registration, status and queue length.")]
    public async Task<TextResourceContents> AgentAsync(string id, CancellationToken cancellationToken)
    {
        var agent = await _store.GetAsync(AgentInput.AgentId(id), cancellationToken).ConfigureAwait(false)
            ?? throw new McpProtocolException($"Resource not found: agent '{id}' is not registered.", McpErrorCode.ResourceNotFound);
        return Json(AgentUriPrefix + id, JsonSerializer.Serialize(agent, AgentJsonContext.Default.AgentInfo));
    }

    [McpServerResource(UriTemplate = "mailbox://{id}", Name = "mailbox", Title = "Agent mailbox", MimeType = "application/json")]
    [Description("The first 50 undelivered messages of an agent's mailbox, without taking them. Subscribe to hear about new messages.")]
    public async Task<TextResourceContents> MailboxAsync(string id, CancellationToken cancellationToken)
    {
        IReadOnlyList<AgentMessage> messages;
        try
        {
            messages = await _store.PeekAsync(AgentInput.AgentId(id), 50, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCoordinationException ex)
        {
            throw new McpProtocolException("Resource not found: " + ex.Message, McpErrorCode.ResourceNotFound);
        }
        return Json("mailbox://" + id, JsonSerializer.Serialize(new MessageBatch(messages, messages.Count, messages.Count > 0 ? messages[^1].Id : null, false), AgentJsonContext.Default.MessageBatch));
    }

    private static TextResourceContents Json(string uri, string text) => new() { Uri = uri, MimeType = "application/json", Text = text };
}
