using System.Buffers;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using McpAspire.Dashboard.Configuration;
using McpAspire.Dashboard.Otlp.Proto.Collector.Logs.V1;
using McpAspire.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using McpAspire.Dashboard.Otlp.Proto.Collector.Trace.V1;
using McpAspire.Dashboard.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP receiver: <c>POST /v1/traces|metrics|logs</c> with <c>application/x-protobuf</c> or
/// <c>application/json</c> bodies (optionally gzip). Answers 200 with an export response (partial success when
/// items were rejected), 400 for an undecodable body, 401 for a missing or wrong API key, 413 for a body over the
/// cap, 415 for an unsupported content type or encoding — each with a problem+json body.
/// </summary>
public sealed partial class OtlpReceiver
{
    /// <summary>Header carrying the OTLP API key (Aspire's name).</summary>
    public const string ApiKeyHeader = "x-otlp-api-key";

    private static readonly JsonParser s_jsonParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter s_jsonFormatter = new(JsonFormatter.Settings.Default);
    private readonly OtlpIngestion _ingestion;
    private readonly OtlpOptions _options;
    private readonly ILogger<OtlpReceiver> _logger;

    public OtlpReceiver(OtlpIngestion ingestion, IOptions<DashboardOptions> options, ILogger<OtlpReceiver> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ingestion = ingestion;
        _options = options.Value.Otlp;
        _logger = logger;
    }

    /// <summary>Maps the three OTLP paths; they are outside the browser login (the API key guards them).</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/v1").AllowAnonymous().DisableAntiforgery();
        group.MapPost("/traces", (HttpContext context, OtlpReceiver receiver) => receiver.HandleAsync(context, OtlpSignalKind.Traces));
        group.MapPost("/metrics", (HttpContext context, OtlpReceiver receiver) => receiver.HandleAsync(context, OtlpSignalKind.Metrics));
        group.MapPost("/logs", (HttpContext context, OtlpReceiver receiver) => receiver.HandleAsync(context, OtlpSignalKind.Logs));
    }

    /// <summary>Receives one export request.</summary>
    public async Task<IResult> HandleAsync(HttpContext context, OtlpSignalKind signal)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrEmpty(_options.ApiKey)
            && !ApiKeys.Matches(context.Request.Headers[ApiKeyHeader].ToString(), _options.ApiKey))
        {
            LogRejected(_logger, signal, "missing or wrong API key");
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: $"The '{ApiKeyHeader}' header is missing or does not match Dashboard:Otlp:ApiKey.");
        }

        var mediaType = MediaType(context.Request.ContentType);
        var isJson = mediaType is "application/json";
        if (!isJson && mediaType is not ("application/x-protobuf" or "application/protobuf"))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"Content-Type '{context.Request.ContentType}' is not supported; use application/x-protobuf or application/json.");
        }
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content encoding",
                detail: $"Content-Encoding '{encoding}' is not supported; use gzip or none.");
        }

        var max = _options.MaxRequestBytes;
        if (context.Request.ContentLength > max)
        {
            return TooLarge(max);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = max;
        }

        byte[]? buffer = null;
        try
        {
            int length;
            try
            {
                Stream body = context.Request.Body;
                await using var decompressed = gzip ? new GZipStream(body, CompressionMode.Decompress, leaveOpen: true) : null;
                (buffer, length) = await ReadAllAsync(decompressed ?? body, context.Request.ContentLength, max, context.RequestAborted).ConfigureAwait(false);
            }
            catch (BodyTooLargeException)
            {
                return TooLarge(max);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(max);
            }
            catch (InvalidDataException ex)
            {
                return BadBody(signal, "The gzip body could not be decompressed: " + ex.Message);
            }

            var data = buffer.AsSpan(0, length);
            try
            {
                return signal switch
                {
                    OtlpSignalKind.Traces => Respond(isJson, ExportTraces(data, isJson)),
                    OtlpSignalKind.Metrics => Respond(isJson, ExportMetrics(data, isJson)),
                    _ => Respond(isJson, ExportLogs(data, isJson)),
                };
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or DecoderFallbackException)
            {
                return BadBody(signal, ex.Message);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private IMessage ExportTraces(ReadOnlySpan<byte> data, bool isJson)
    {
        var request = isJson ? s_jsonParser.Parse<ExportTraceServiceRequest>(Utf8(data)) : ExportTraceServiceRequest.Parser.ParseFrom(data);
        if (isJson)
        {
            foreach (var span in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
            {
                span.TraceId = OtlpIngestion.FixJsonId(span.TraceId);
                span.SpanId = OtlpIngestion.FixJsonId(span.SpanId);
                span.ParentSpanId = OtlpIngestion.FixJsonId(span.ParentSpanId);
                foreach (var link in span.Links)
                {
                    link.TraceId = OtlpIngestion.FixJsonId(link.TraceId);
                    link.SpanId = OtlpIngestion.FixJsonId(link.SpanId);
                }
            }
        }
        var rejected = _ingestion.Ingest(request);
        return new ExportTraceServiceResponse
        {
            PartialSuccess = rejected == 0 ? null : new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = "spans with an invalid trace or span id were rejected" },
        };
    }

    private IMessage ExportLogs(ReadOnlySpan<byte> data, bool isJson)
    {
        var request = isJson ? s_jsonParser.Parse<ExportLogsServiceRequest>(Utf8(data)) : ExportLogsServiceRequest.Parser.ParseFrom(data);
        if (isJson)
        {
            foreach (var log in request.ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords))
            {
                log.TraceId = OtlpIngestion.FixJsonId(log.TraceId);
                log.SpanId = OtlpIngestion.FixJsonId(log.SpanId);
            }
        }
        var rejected = _ingestion.Ingest(request);
        return new ExportLogsServiceResponse
        {
            PartialSuccess = rejected == 0 ? null : new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = "log records with an invalid trace or span id were rejected" },
        };
    }

    private IMessage ExportMetrics(ReadOnlySpan<byte> data, bool isJson)
    {
        var request = isJson ? s_jsonParser.Parse<ExportMetricsServiceRequest>(Utf8(data)) : ExportMetricsServiceRequest.Parser.ParseFrom(data);
        var rejected = _ingestion.Ingest(request);
        return new ExportMetricsServiceResponse
        {
            PartialSuccess = rejected == 0 ? null : new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = "metrics without data were rejected" },
        };
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Utf8(ReadOnlySpan<byte> data) => s_strictUtf8.GetString(data);

    private static IResult Respond(bool isJson, IMessage response) => isJson
        ? Results.Text(s_jsonFormatter.Format(response), "application/json", Encoding.UTF8)
        : Results.Bytes(response.ToByteArray(), "application/x-protobuf");

    private IResult BadBody(OtlpSignalKind signal, string reason)
    {
        LogRejected(_logger, signal, reason);
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid OTLP request",
            detail: $"The {signal.ToString().ToLowerInvariant()} export request could not be decoded: {reason}");
    }

    private static IResult TooLarge(int max) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request too large", detail: $"The OTLP request exceeds Dashboard:Otlp:MaxRequestBytes ({max} bytes).");

    private static string MediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return "";
        }
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    private static async Task<(byte[] Buffer, int Length)> ReadAllAsync(Stream stream, long? contentLength, int max, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(contentLength ?? 64 * 1024, 1024, max) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > max)
                    {
                        throw new BodyTooLargeException();
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > max)
                {
                    throw new BodyTooLargeException();
                }
            }
            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "OTLP {Signal} request rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, OtlpSignalKind signal, string reason);

    private sealed class BodyTooLargeException : Exception
    {
    }
}
