using McpAspire.Dashboard.Storage;

namespace McpAspire.Dashboard.Api;

/// <summary>The JSON API the pages read: traces, logs, metrics, telemetry resources, storage stats, and a change stream.</summary>
public static class TelemetryApi
{
    /// <summary>Maps <c>/api/...</c> telemetry endpoints.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api");

        api.MapGet("/traces", (HttpRequest request, SpanStore spans) => Guard(() =>
        {
            var q = request.Query;
            var query = new TraceQuery
            {
                Resource = q["resource"],
                Text = q["text"],
                ErrorsOnly = QueryParameters.Flag(q["errorsOnly"], "errorsOnly"),
                MinDurationMs = QueryParameters.NonNegative(q["minDurationMs"], "minDurationMs"),
                Limit = QueryParameters.Limit(q["limit"], 100, 1000),
            };
            IReadOnlyList<TraceListItem> items = [.. spans.Query(query).Select(ApiMapper.ToItem)];
            return Results.Json(items, DashboardJsonContext.Default.IReadOnlyListTraceListItem);
        }));

        api.MapGet("/traces/{traceId}", (string traceId, SpanStore spans) =>
        {
            var summary = spans.GetSummary(traceId);
            var list = summary is null ? null : spans.GetTrace(traceId);
            return summary is null || list is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Trace not found",
                    detail: $"No trace '{traceId}' is stored (it may have been evicted).")
                : Results.Json(ApiMapper.ToDetail(summary, list), DashboardJsonContext.Default.TraceDetail);
        });

        api.MapGet("/logs", (HttpRequest request, LogStore logs) => Guard(() =>
        {
            var q = request.Query;
            var query = new LogQuery
            {
                Resource = q["resource"],
                Text = q["text"],
                TraceId = q["traceId"],
                MinSeverity = QueryParameters.MinSeverity(q["level"]),
                AfterId = QueryParameters.AfterId(q["afterId"]),
                Limit = QueryParameters.Limit(q["limit"], 200, 5000),
            };
            var lastId = logs.LastId;
            var items = logs.Query(query).Select(ApiMapper.ToItem).ToList();
            return Results.Json(new LogList(items, lastId), DashboardJsonContext.Default.LogList);
        }));

        api.MapGet("/metrics", (string? resource, MetricStore metrics) =>
        {
            IReadOnlyList<InstrumentItem> items = [.. metrics.ListInstruments(resource).Select(ApiMapper.ToItem)];
            return Results.Json(items, DashboardJsonContext.Default.IReadOnlyListInstrumentItem);
        });

        api.MapGet("/metrics/instrument", (string? resource, string? scope, string? name, MetricStore metrics) =>
        {
            if (string.IsNullOrEmpty(resource) || string.IsNullOrEmpty(name))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing parameter",
                    detail: "resource and name are required (scope too, when the instrument has one).");
            }
            var detail = metrics.GetInstrument(resource, scope ?? "", name);
            return detail is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Instrument not found",
                    detail: $"No instrument '{name}' of scope '{scope}' for resource '{resource}'.")
                : Results.Json(ApiMapper.ToItem(detail), DashboardJsonContext.Default.InstrumentDetailItem);
        });

        api.MapGet("/telemetry/resources", (TelemetryResourceRegistry registry) =>
        {
            IReadOnlyList<TelemetryResourceItem> items = [.. registry.List().Select(r => new TelemetryResourceItem(r.Key, r.Value))];
            return Results.Json(items, DashboardJsonContext.Default.IReadOnlyListTelemetryResourceItem);
        });

        api.MapGet("/telemetry/stats", (SpanStore spans, LogStore logs, MetricStore metrics) => Results.Json(
            new StorageStats(spans.SpanCount, spans.TraceCount, spans.ReceivedSpans, spans.EvictedSpans, logs.Count, logs.Evicted,
                metrics.SeriesCount, metrics.PointCount, metrics.EvictedPoints, metrics.DroppedPoints),
            DashboardJsonContext.Default.StorageStats));

        api.MapGet("/telemetry/watch", TelemetryWatch.StreamAsync);
    }

    private static IResult Guard(Func<IResult> handler)
    {
        try
        {
            return handler();
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query", detail: ex.Message);
        }
    }
}
