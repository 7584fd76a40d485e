using System.Text.Json;
using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Orchestration;

namespace McpAspire.Hosting.Publishing;

/// <summary>
/// Writes an Aspire 8.0 manifest (<c>https://json.schemastore.org/aspire-8.0.json</c>) that azd and aspirate read:
/// <c>project.v0</c> with paths relative to the manifest, <c>executable.v0</c>, Redis as <c>container.v0</c>
/// (<c>docker.io/library/redis:7.4</c>, <c>--requirepass</c> from a generated secret <c>parameter.v0</c>), and
/// connection strings as <c>parameter.v0</c>. Environment values are <c>{resource.…}</c> expressions. Replica
/// counts have no field in the 8.0 schema and are left to the deployment tool.
/// </summary>
public static class ManifestPublisher
{
    /// <summary>The schema URL written as <c>$schema</c>.</summary>
    public const string SchemaUrl = "https://json.schemastore.org/aspire-8.0.json";

    /// <summary>Writes the manifest of <paramref name="model"/> to <paramref name="outputPath"/>.</summary>
    public static async Task WriteAsync(DistributedApplicationModel model, string outputPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var fullPath = Path.GetFullPath(outputPath);
        if (Directory.Exists(fullPath))
        {
            fullPath = Path.Combine(fullPath, "aspire-manifest.json");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var stream = new MemoryStream();
        await using (stream.ConfigureAwait(false))
        {
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                Write(w, model, Path.GetDirectoryName(fullPath)!);
            }
            await File.WriteAllBytesAsync(fullPath, stream.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the manifest JSON.</summary>
    public static void Write(Utf8JsonWriter w, DistributedApplicationModel model, string manifestDirectory)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(model);
        var publish = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish);
        w.WriteStartObject();
        w.WriteString("$schema", SchemaUrl);
        w.WriteStartObject("resources");
        foreach (var resource in model.Resources.Where(r => !r.Annotations.OfType<ExcludeFromManifestAnnotation>().Any()))
        {
            w.WriteStartObject(resource.Name);
            switch (resource)
            {
                case ProjectResource p:
                    w.WriteString("type", "project.v0");
                    w.WriteString("path", Path.GetRelativePath(manifestDirectory, p.ProjectPath).Replace('\\', '/'));
                    WriteArgs(w, p);
                    WriteEnv(w, p, publish);
                    WriteBindings(w, p);
                    break;
                case ExecutableResource e:
                    w.WriteString("type", "executable.v0");
                    w.WriteString("workingDirectory", Path.GetRelativePath(manifestDirectory, e.WorkingDirectory).Replace('\\', '/'));
                    w.WriteString("command", e.Command);
                    WriteArgs(w, e);
                    WriteEnv(w, e, publish);
                    WriteBindings(w, e);
                    break;
                case RedisResource r:
                    WriteRedis(w, r);
                    break;
                case ConnectionStringResource c:
                    w.WriteString("type", "parameter.v0");
                    w.WriteString("connectionString", $"{{{c.Name}.value}}");
                    w.WriteString("value", $"{{{c.Name}.inputs.value}}");
                    WriteInputs(w, secret: true, generate: null);
                    break;
                case ParameterResource pr:
                    w.WriteString("type", "parameter.v0");
                    w.WriteString("value", $"{{{pr.Name}.inputs.value}}");
                    WriteInputs(w, pr.Secret, pr.Generate);
                    break;
                default:
                    throw new DistributedApplicationException($"Resource '{resource.Name}' ({resource.GetType().Name}) has no manifest form.");
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteRedis(Utf8JsonWriter w, RedisResource r)
    {
        w.WriteString("type", "container.v0");
        w.WriteString("connectionString", r.ManifestConnectionString);
        w.WriteString("image", $"{RedisResource.Image}:{RedisResource.Tag}");
        w.WriteStartArray("args");
        w.WriteStringValue("--requirepass");
        w.WriteStringValue(r.PasswordParameter.ValueExpression);
        var persistence = r.Annotations.OfType<PersistenceAnnotation>().LastOrDefault();
        if (persistence is not null)
        {
            w.WriteStringValue("--appendonly");
            w.WriteStringValue("yes");
        }
        w.WriteEndArray();
        if (persistence is not null)
        {
            w.WriteStartArray("volumes");
            w.WriteStartObject();
            w.WriteString("name", persistence.VolumeName);
            w.WriteString("target", "/data");
            w.WriteBoolean("readOnly", false);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteStartObject("bindings");
        w.WriteStartObject(RedisResource.PrimaryEndpointName);
        w.WriteString("scheme", "tcp");
        w.WriteString("protocol", "tcp");
        w.WriteString("transport", "tcp");
        w.WriteNumber("targetPort", 6379);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteInputs(Utf8JsonWriter w, bool secret, GeneratedParameterDefault? generate)
    {
        w.WriteStartObject("inputs");
        w.WriteStartObject("value");
        w.WriteString("type", "string");
        if (secret)
        {
            w.WriteBoolean("secret", true);
        }
        if (generate is not null)
        {
            w.WriteStartObject("default");
            w.WriteStartObject("generate");
            w.WriteNumber("minLength", generate.MinLength);
            if (!generate.Special)
            {
                w.WriteBoolean("special", false);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteArgs(Utf8JsonWriter w, IResource resource)
    {
        var args = resource.Annotations.OfType<CommandLineArgsAnnotation>().SelectMany(a => a.Args).ToList();
        if (args.Count == 0)
        {
            return;
        }
        w.WriteStartArray("args");
        foreach (var a in args)
        {
            w.WriteStringValue(ServiceEnvironmentContract.ToManifestValue(a));
        }
        w.WriteEndArray();
    }

    private static void WriteEnv(Utf8JsonWriter w, IResource resource, DistributedApplicationExecutionContext publish)
    {
        var env = ServiceEnvironmentContract.Build(resource, publish, run: null, replica: 0);
        if (env.Count == 0)
        {
            return;
        }
        w.WriteStartObject("env");
        foreach (var (k, v) in env)
        {
            w.WriteString(k, ServiceEnvironmentContract.ToManifestValue(v));
        }
        w.WriteEndObject();
    }

    private static void WriteBindings(Utf8JsonWriter w, IResource resource)
    {
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
        if (endpoints.Count == 0)
        {
            return;
        }
        w.WriteStartObject("bindings");
        foreach (var e in endpoints)
        {
            w.WriteStartObject(e.Name);
            w.WriteString("scheme", e.UriScheme);
            w.WriteString("protocol", e.Protocol);
            w.WriteString("transport", e.Transport);
            if (e.IsExternal)
            {
                w.WriteBoolean("external", true);
            }
            if (e.Port is { } port)
            {
                w.WriteNumber("port", port);
            }
            if (e.TargetPort is { } target)
            {
                w.WriteNumber("targetPort", target);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
