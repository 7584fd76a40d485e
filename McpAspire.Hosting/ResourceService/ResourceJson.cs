using System.Text.Json;
using McpAspire.Hosting.Logging;
using McpAspire.Hosting.Notifications;

namespace McpAspire.Hosting.ResourceService;

/// <summary>The resource service's JSON shapes, written by hand (no reflection, camelCase, states as strings).</summary>
internal static class ResourceJson
{
    public static void WriteResources(Utf8JsonWriter w, IReadOnlyList<ResourceSnapshot> snapshots)
    {
        w.WriteStartArray();
        foreach (var s in snapshots)
        {
            WriteResource(w, s);
        }
        w.WriteEndArray();
    }

    public static void WriteResource(Utf8JsonWriter w, ResourceSnapshot s)
    {
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("type", s.Type);
        w.WriteString("state", s.State.ToString());
        w.WriteString("health", s.Health.ToString());
        w.WriteStartArray("replicas");
        foreach (var r in s.Replicas)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            if (r.Pid is { } pid)
            {
                w.WriteNumber("pid", pid);
            }
            else
            {
                w.WriteNull("pid");
            }
            w.WriteString("state", r.State.ToString());
            w.WriteString("health", r.Health.ToString());
            w.WriteString("url", r.Url);
            w.WriteNumber("restarts", r.Restarts);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("endpoints");
        foreach (var e in s.Endpoints)
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("url", e.Url);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (s.StartedAt is { } started)
        {
            w.WriteString("startedAt", started);
        }
        else
        {
            w.WriteNull("startedAt");
        }
        if (s.ExitCode is { } code)
        {
            w.WriteNumber("exitCode", code);
        }
        else
        {
            w.WriteNull("exitCode");
        }
        if (s.Error is { } error)
        {
            w.WriteString("error", error);
        }
        w.WriteEndObject();
    }

    public static void WriteLog(Utf8JsonWriter w, LogLine line)
    {
        w.WriteStartObject();
        w.WriteString("resource", line.Resource);
        w.WriteString("replica", line.Replica);
        w.WriteString("stream", line.Stream);
        w.WriteString("line", line.Text);
        w.WriteString("timestamp", line.Timestamp);
        w.WriteEndObject();
    }
}
