using System.Text.Json;
using System.Text.Json.Nodes;
using McpAspire.Dashboard.Api;
using McpAspire.Dashboard.ResourceService;
using McpAspire.Dashboard.Storage;
using McpAspire.Dashboard.Telemetry;

namespace McpAspire.Dashboard.Mcp;

/// <summary>
/// The tools of the dashboard's MCP endpoint, named like Aspire's: <c>list_resources</c>, <c>list_console_logs</c>,
/// <c>list_structured_logs</c>, <c>list_traces</c> and <c>get_trace</c>. Results are JSON text; a tool that cannot
/// do its job returns <c>isError: true</c> with the reason, bad arguments give JSON-RPC -32602.
/// </summary>
public sealed class DashboardMcpTools
{
    private static readonly TimeSpan s_consoleQuiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_consoleFirstLine = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_consoleMax = TimeSpan.FromSeconds(5);
    private readonly SpanStore _spans;
    private readonly LogStore _logs;
    private readonly TelemetryResourceRegistry _telemetryResources;
    private readonly ResourceServiceClient _resourceService;
    private readonly TimeProvider _time;

    public DashboardMcpTools(SpanStore spans, LogStore logs, TelemetryResourceRegistry telemetryResources,
        ResourceServiceClient resourceService, TimeProvider time)
    {
        _spans = spans;
        _logs = logs;
        _telemetryResources = telemetryResources;
        _resourceService = resourceService;
        _time = time;
    }

    /// <summary>The <c>tools/list</c> result.</summary>
    public JsonObject ListTools() => new()
    {
        ["tools"] = new JsonArray(
            Tool("list_resources", "List the app's resources with type, state, health, replicas and endpoints (from the AppHost), and the resources seen in telemetry.",
                new JsonObject(), []),
            Tool("list_console_logs", "Recent console output (stdout/stderr) of one resource.",
                new JsonObject
                {
                    ["resourceName"] = Prop("string", "Resource name as listed by list_resources."),
                    ["limit"] = Prop("integer", "Most lines returned, newest kept (default 200)."),
                }, ["resourceName"]),
            Tool("list_structured_logs", "Structured (OpenTelemetry) log records, newest first, optionally filtered.",
                new JsonObject
                {
                    ["resourceName"] = Prop("string", "Only this resource (service.name)."),
                    ["level"] = Prop("string", "Minimum level: Trace, Debug, Information, Warning, Error or Critical."),
                    ["text"] = Prop("string", "Text found in the message, category or an attribute."),
                    ["traceId"] = Prop("string", "Only records of this trace."),
                    ["limit"] = Prop("integer", "Most records returned (default 100)."),
                }, []),
            Tool("list_traces", "Traces, newest first: name, resources, span count, duration and errors.",
                new JsonObject
                {
                    ["resourceName"] = Prop("string", "Only traces with a span of this resource."),
                    ["text"] = Prop("string", "Text found in a span name, attribute value or trace id."),
                    ["errorsOnly"] = Prop("boolean", "Only traces with an error span."),
                    ["limit"] = Prop("integer", "Most traces returned (default 50)."),
                }, []),
            Tool("get_trace", "One trace with every span and all span attributes (MCP attributes such as mcp.method.name and gen_ai.tool.name included).",
                new JsonObject { ["traceId"] = Prop("string", "Trace id (32 hex characters).") }, ["traceId"])),
    };

    /// <summary>Runs <c>tools/call</c>.</summary>
    public async Task<JsonObject> CallAsync(JsonObject? parameters, CancellationToken cancellationToken)
    {
        var name = parameters?["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        if (name is null)
        {
            throw new McpException(-32602, "tools/call needs params.name.");
        }
        var arguments = parameters!["arguments"] switch
        {
            null => new JsonObject(),
            JsonObject o => o,
            _ => throw new McpException(-32602, "params.arguments must be an object."),
        };
        return name switch
        {
            "list_resources" => await ListResourcesAsync(cancellationToken).ConfigureAwait(false),
            "list_console_logs" => await ListConsoleLogsAsync(RequiredString(arguments, "resourceName"), OptionalInt(arguments, "limit", 200, 5000), cancellationToken).ConfigureAwait(false),
            "list_structured_logs" => ListStructuredLogs(arguments),
            "list_traces" => ListTraces(arguments),
            "get_trace" => GetTrace(RequiredString(arguments, "traceId")),
            _ => throw new McpException(-32602, $"Unknown tool '{name}'."),
        };
    }

    private async Task<JsonObject> ListResourcesAsync(CancellationToken cancellationToken)
    {
        var telemetry = new JsonArray([.. _telemetryResources.List().Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Key,
            ["instances"] = new JsonArray([.. r.Value.Select(i => (JsonNode)JsonValue.Create(i))]),
        })]);
        var result = new JsonObject { ["telemetryResources"] = telemetry };
        if (!_resourceService.IsConfigured)
        {
            result["resources"] = null;
            result["note"] = "No resource service is configured (ResourceService__Url), so only resources seen in telemetry are listed.";
            return Text(result.ToJsonString());
        }
        try
        {
            result["resources"] = JsonNode.Parse(await _resourceService.GetResourcesJsonAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return Text("The resource service could not be read: " + ex.Message, isError: true);
        }
        return Text(result.ToJsonString());
    }

    private async Task<JsonObject> ListConsoleLogsAsync(string resource, int limit, CancellationToken cancellationToken)
    {
        if (!_resourceService.IsConfigured)
        {
            return Text("No resource service is configured (ResourceService__Url), so console logs are not available.", isError: true);
        }
        // The log stream sends the buffered lines first, then stays open for live ones: read until it goes quiet.
        var lines = new Queue<string>();
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(s_consoleMax);
        try
        {
            await using var events = _resourceService.ReadConsoleLogsAsync(resource, total.Token).GetAsyncEnumerator(total.Token);
            while (true)
            {
                var next = events.MoveNextAsync().AsTask();
                // The first line may wait for the connection; after it, a short silence means the buffer is drained.
                var quiet = Task.Delay(lines.Count == 0 ? s_consoleFirstLine : s_consoleQuiet, _time, total.Token);
                if (await Task.WhenAny(next, quiet).ConfigureAwait(false) != next)
                {
                    await total.CancelAsync().ConfigureAwait(false);
                    try
                    {
                        await next.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    break;
                }
                if (!await next.ConfigureAwait(false))
                {
                    break;
                }
                lines.Enqueue(FormatConsoleLine(events.Current));
                if (lines.Count > limit)
                {
                    lines.Dequeue();
                }
            }
        }
        catch (KeyNotFoundException ex)
        {
            return Text(ex.Message, isError: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return Text("The resource service could not be read: " + ex.Message, isError: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The overall cap ended the read; return what arrived.
        }
        return Text(lines.Count == 0 ? $"(no console output from '{resource}')" : string.Join('\n', lines));
    }

    private static string FormatConsoleLine(string data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            var stream = root.TryGetProperty("stream", out var s) ? s.GetString() : null;
            var line = root.TryGetProperty("line", out var l) ? l.GetString() : data;
            var time = root.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() + " " : "";
            return stream == "stderr" ? $"{time}[stderr] {line}" : $"{time}{line}";
        }
        catch (JsonException)
        {
            return data;
        }
    }

    private JsonObject ListStructuredLogs(JsonObject arguments)
    {
        var level = OptionalString(arguments, "level");
        var minSeverity = 0;
        if (level is not null)
        {
            minSeverity = LogLevels.MinSeverity(level) ?? throw new McpException(-32602, $"level '{level}' is not one of {string.Join(", ", LogLevels.Names)}.");
        }
        var records = _logs.Query(new LogQuery
        {
            Resource = OptionalString(arguments, "resourceName"),
            Text = OptionalString(arguments, "text"),
            TraceId = OptionalString(arguments, "traceId"),
            MinSeverity = minSeverity,
            Limit = OptionalInt(arguments, "limit", 100, 1000),
        });
        var list = new LogList([.. records.Select(ApiMapper.ToItem)], _logs.LastId);
        return Text(JsonSerializer.Serialize(list, DashboardJsonContext.Default.LogList));
    }

    private JsonObject ListTraces(JsonObject arguments)
    {
        var errorsOnly = arguments["errorsOnly"] switch
        {
            null => false,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw new McpException(-32602, "errorsOnly must be a boolean."),
        };
        var traces = _spans.Query(new TraceQuery
        {
            Resource = OptionalString(arguments, "resourceName"),
            Text = OptionalString(arguments, "text"),
            ErrorsOnly = errorsOnly,
            Limit = OptionalInt(arguments, "limit", 50, 1000),
        });
        IReadOnlyList<TraceListItem> items = [.. traces.Select(ApiMapper.ToItem)];
        return Text(JsonSerializer.Serialize(items, DashboardJsonContext.Default.IReadOnlyListTraceListItem));
    }

    private JsonObject GetTrace(string traceId)
    {
        var summary = _spans.GetSummary(traceId);
        var spans = summary is null ? null : _spans.GetTrace(traceId);
        if (summary is null || spans is null)
        {
            return Text($"No trace '{traceId}' is stored (it may have been evicted).", isError: true);
        }
        return Text(JsonSerializer.Serialize(ApiMapper.ToDetail(summary, spans), DashboardJsonContext.Default.TraceDetail));
    }

    private static JsonObject Text(string text, bool isError = false) => new()
    {
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        ["isError"] = isError,
    };

    private static JsonObject Tool(string name, string description, JsonObject properties, string[] required) => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["inputSchema"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray([.. required.Select(r => (JsonNode)JsonValue.Create(r))]),
        },
        ["annotations"] = new JsonObject { ["readOnlyHint"] = true, ["openWorldHint"] = false },
    };

    private static JsonObject Prop(string type, string description) => new() { ["type"] = type, ["description"] = description };

    private static string RequiredString(JsonObject arguments, string name) =>
        OptionalString(arguments, name) ?? throw new McpException(-32602, $"Argument '{name}' is required.");

    private static string? OptionalString(JsonObject arguments, string name) => arguments[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s ? s : null,
        _ => throw new McpException(-32602, $"Argument '{name}' must be a string."),
    };

    private static int OptionalInt(JsonObject arguments, string name, int fallback, int max) => arguments[name] switch
    {
        null => fallback,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) && i > 0 => Math.Min(i, max),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d > 0 && d == Math.Floor(d) && d <= int.MaxValue => Math.Min((int)d, max),
        _ => throw new McpException(-32602, $"Argument '{name}' must be a positive integer."),
    };
}
