using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpAspire.ToolHost.Agents;

/// <summary>Source-generated JSON for everything the agent features store or return.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AgentInfo))]
[JsonSerializable(typeof(AgentRegistration))]
[JsonSerializable(typeof(HeartbeatResult))]
[JsonSerializable(typeof(UnregisterResult))]
[JsonSerializable(typeof(AgentList))]
[JsonSerializable(typeof(SendResult))]
[JsonSerializable(typeof(AgentMessage))]
[JsonSerializable(typeof(MessageBatch))]
[JsonSerializable(typeof(ContextEntry))]
[JsonSerializable(typeof(HandleEntry))]
[JsonSerializable(typeof(HandleRelease))]
[JsonSerializable(typeof(AgentStats))]
[JsonSerializable(typeof(StoredMessage))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(MessageTypeDefinition))]
[JsonSerializable(typeof(MessageTypeList))]
[JsonSerializable(typeof(MessageTypeRemoval))]
[JsonSerializable(typeof(StoredMessageType))]
[JsonSerializable(typeof(SystemStatus))]
[JsonSerializable(typeof(RoutingRule))]
[JsonSerializable(typeof(RoutingRuleList))]
[JsonSerializable(typeof(RoutingRuleRemoval))]
[JsonSerializable(typeof(RoutingRuleSettings))]
[JsonSerializable(typeof(Dictionary<string, StoredMessageType>))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
