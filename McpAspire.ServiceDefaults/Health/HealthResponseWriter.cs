using System.Text.Json;
using McpAspire.ServiceDefaults.Redaction;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.ServiceDefaults.Health;

/// <summary>Writes a <see cref="HealthReport"/> as JSON: overall status, duration and each check.</summary>
public static class HealthResponseWriter
{
    /// <summary>Writes the report; the status code has already been set by the health check middleware.</summary>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        // /health and /alive answer without a service key, so whatever a check reports is masked like a log line.
        var known = context.RequestServices.GetService(typeof(KnownSecrets)) as KnownSecrets;
        string Mask(string text) => known is null ? SecretText.Redact(text) : known.Redact(SecretText.Redact(text));
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";

        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteNumber("totalDurationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 3));
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            if (entry.Description is not null)
            {
                writer.WriteString("description", Mask(entry.Description));
            }
            writer.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 3));
            if (entry.Exception is not null)
            {
                writer.WriteString("error", Mask(entry.Exception.Message));
            }
            if (entry.Tags.Any())
            {
                writer.WriteStartArray("tags");
                foreach (var tag in entry.Tags)
                {
                    writer.WriteStringValue(tag);
                }
                writer.WriteEndArray();
            }
            if (entry.Data.Count > 0)
            {
                writer.WriteStartObject("data");
                foreach (var (key, value) in entry.Data)
                {
                    writer.WriteString(key, SecretText.IsSensitiveName(key) ? SecretText.Mask : value?.ToString() is { } text ? Mask(text) : null);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
