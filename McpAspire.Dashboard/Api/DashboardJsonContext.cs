using System.Text.Json;
using System.Text.Json.Serialization;
using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Api;

/// <summary>Source-generated JSON metadata for the dashboard API (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IReadOnlyList<TraceListItem>))]
[JsonSerializable(typeof(TraceDetail))]
[JsonSerializable(typeof(LogList))]
[JsonSerializable(typeof(IReadOnlyList<InstrumentItem>))]
[JsonSerializable(typeof(InstrumentDetailItem))]
[JsonSerializable(typeof(IReadOnlyList<TelemetryResourceItem>))]
[JsonSerializable(typeof(StorageStats))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(DashboardInfo))]
[JsonSerializable(typeof(TelemetryAttribute))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
