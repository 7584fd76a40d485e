using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace McpAspire.ServiceDefaults.Telemetry;

/// <summary>
/// The OpenTelemetry environment contract (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>,
/// <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>, schedule delays),
/// read from <see cref="IConfiguration"/> so tests and the AppHost can set it without touching the process environment.
/// </summary>
public sealed record OtlpSettings
{
    /// <summary>Base endpoint of the collector, or null when export is off.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Wire protocol: http/protobuf (default) or grpc.</summary>
    public OtlpExportProtocol Protocol { get; init; } = OtlpExportProtocol.HttpProtobuf;

    /// <summary>Raw <c>OTEL_EXPORTER_OTLP_HEADERS</c> value (k=v,k=v).</summary>
    public string? Headers { get; init; }

    /// <summary>Service name for the resource.</summary>
    public required string ServiceName { get; init; }

    /// <summary>Extra resource attributes.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> ResourceAttributes { get; init; } = [];

    /// <summary>Batch span processor delay (<c>OTEL_BSP_SCHEDULE_DELAY</c>).</summary>
    public int? SpanScheduleDelayMs { get; init; }

    /// <summary>Batch log processor delay (<c>OTEL_BLRP_SCHEDULE_DELAY</c>).</summary>
    public int? LogScheduleDelayMs { get; init; }

    /// <summary>Metric export interval (<c>OTEL_METRIC_EXPORT_INTERVAL</c>).</summary>
    public int? MetricExportIntervalMs { get; init; }

    /// <summary>Reads the contract; an invalid value throws with the variable's name.</summary>
    public static OtlpSettings FromConfiguration(IConfiguration configuration, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Uri? endpoint = null;
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } raw)
        {
            if (!Uri.TryCreate(raw, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_ENDPOINT '{raw}' is not an absolute http(s) URL.");
            }
        }

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] switch
        {
            null or "" or "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            "grpc" => OtlpExportProtocol.Grpc,
            var other => throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL '{other}' is not supported (use http/protobuf or grpc)."),
        };

        var attributes = new List<KeyValuePair<string, object>>();
        if (configuration["OTEL_RESOURCE_ATTRIBUTES"] is { Length: > 0 } attrs)
        {
            foreach (var pair in attrs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    attributes.Add(new(Uri.UnescapeDataString(pair[..eq].Trim()), Uri.UnescapeDataString(pair[(eq + 1)..].Trim())));
                }
            }
        }

        return new OtlpSettings
        {
            Endpoint = endpoint,
            Protocol = protocol,
            Headers = configuration["OTEL_EXPORTER_OTLP_HEADERS"],
            ServiceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : applicationName,
            ResourceAttributes = attributes,
            SpanScheduleDelayMs = ReadMs(configuration, "OTEL_BSP_SCHEDULE_DELAY"),
            LogScheduleDelayMs = ReadMs(configuration, "OTEL_BLRP_SCHEDULE_DELAY"),
            MetricExportIntervalMs = ReadMs(configuration, "OTEL_METRIC_EXPORT_INTERVAL"),
        };
    }

    /// <summary>Applies endpoint (with the signal path for HTTP), protocol and headers to an exporter.</summary>
    public void Apply(OtlpExporterOptions options, string signalPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Protocol = Protocol;
        if (Endpoint is not null)
        {
            // A programmatic endpoint is used as-is by the exporter, so the per-signal path is ours to append.
            options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + signalPath)
                : Endpoint;
        }
        if (!string.IsNullOrEmpty(Headers))
        {
            options.Headers = Headers;
        }
    }

    private static int? ReadMs(IConfiguration configuration, string key)
    {
        var raw = configuration[key];
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? ms
            : throw new InvalidOperationException($"{key} '{raw}' is not a positive number of milliseconds.");
    }
}
