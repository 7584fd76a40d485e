using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpAspire.ToolHost.Conformance;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(IDictionary<string, JsonElement>))]
[JsonSerializable(typeof(TemplateData))]
internal sealed partial class ConformanceJsonContext : JsonSerializerContext;

/// <summary>Body of <c>test://template/{id}/data</c>.</summary>
internal sealed record TemplateData(string Id, bool TemplateTest, string Data);
