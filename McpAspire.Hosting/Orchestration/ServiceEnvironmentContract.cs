using System.Globalization;
using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// The environment a service process receives (DESIGN.md §3), in one place for run mode and the manifest:
/// run mode sets <c>ASPNETCORE_URLS</c>, the environment name and the OpenTelemetry variables; publish mode sets
/// <c>HTTP_PORTS</c> and <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>; both add what <c>WithReference</c> /
/// <c>WithEnvironment</c> asked for (connection strings, <c>services__*</c>).
/// </summary>
internal static class ServiceEnvironmentContract
{
    /// <summary>The unresolved variables (strings or values) for one replica, or for the manifest when <paramref name="run"/> is null.</summary>
    public static Dictionary<string, object> Build(IResource resource, DistributedApplicationExecutionContext context, RunEnvironment? run, int replica)
    {
        var env = new Dictionary<string, object>(StringComparer.Ordinal);
        var httpEndpoints = resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https").ToList();
        if (context.IsRunMode && run is not null)
        {
            if (resource is ProjectResource && httpEndpoints.Count > 0)
            {
                env["ASPNETCORE_URLS"] = string.Join(';', httpEndpoints.Select(e =>
                    $"{e.UriScheme}://localhost:{(e.AllocatedEndpoint ?? throw new InvalidOperationException($"Endpoint {e.Name} of {resource.Name} is not allocated.")).TargetPorts[replica].ToString(CultureInfo.InvariantCulture)}"));
            }
            foreach (var e in resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.TargetPortEnvironmentVariable is not null && e.AllocatedEndpoint is not null))
            {
                env[e.TargetPortEnvironmentVariable!] = e.AllocatedEndpoint!.TargetPorts[replica].ToString(CultureInfo.InvariantCulture);
            }
            env["DOTNET_ENVIRONMENT"] = run.EnvironmentName;
            env["ASPNETCORE_ENVIRONMENT"] = run.EnvironmentName;
            if (run.OtlpEndpoint is { } otlp)
            {
                env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
                env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                if (run.OtlpApiKey is { } key)
                {
                    env["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={key}";
                }
            }
            env["OTEL_SERVICE_NAME"] = resource.Name;
            env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={run.ReplicaName}";
            if (run.IsDevelopment)
            {
                // Telemetry shows up on the dashboard within a second instead of the SDK defaults (5 s / 60 s).
                env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            }
            env["MCPASPIRE_RESOURCE_NAME"] = resource.Name;
            env["MCPASPIRE_REPLICA_NAME"] = run.ReplicaName;
        }
        else if (context.IsPublishMode)
        {
            foreach (var e in resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.TargetPortEnvironmentVariable is not null))
            {
                env[e.TargetPortEnvironmentVariable!] = $"{{{resource.Name}.bindings.{e.Name}.targetPort}}";
            }
        }
        if (context.IsPublishMode && resource is ProjectResource)
        {
            env["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
            // Deployed, services call each other by resource name; an externally reachable service answers the
            // ingress's public host, which the manifest cannot know, so it relies on its authentication instead.
            env["Security__AllowedHosts"] = resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal) ? "*" : resource.Name;
            if (httpEndpoints.Count > 0)
            {
                env["HTTP_PORTS"] = string.Join(';', httpEndpoints.Select(e => $"{{{resource.Name}.bindings.{e.Name}.targetPort}}"));
            }
        }

        var callbackContext = new EnvironmentCallbackContext(context, resource);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            callback.Callback(callbackContext);
        }
        foreach (var (k, v) in callbackContext.EnvironmentVariables)
        {
            env[k] = v;
        }
        return env;
    }

    /// <summary>Evaluates every value for a process.</summary>
    public static async Task<Dictionary<string, string>> ResolveAsync(Dictionary<string, object> env, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(env.Count, StringComparer.Ordinal);
        foreach (var (k, v) in env)
        {
            result[k] = await ResolveValueAsync(v, cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Evaluates one value (string or value provider).</summary>
    public static async Task<string> ResolveValueAsync(object value, CancellationToken cancellationToken) => value switch
    {
        string s => s,
        IValueProvider p => await p.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "",
        _ => throw new InvalidOperationException($"Environment value of type {value.GetType().Name} is neither a string nor a value provider."),
    };

    /// <summary>The manifest form of one value.</summary>
    public static string ToManifestValue(object value) => value switch
    {
        string s => s,
        IManifestExpressionProvider m => m.ValueExpression,
        _ => throw new InvalidOperationException($"Environment value of type {value.GetType().Name} has no manifest expression."),
    };
}

/// <summary>Run-mode facts a replica's environment depends on.</summary>
internal sealed record RunEnvironment(string ReplicaName, string EnvironmentName, string? OtlpEndpoint, string? OtlpApiKey)
{
    public bool IsDevelopment => string.Equals(EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase);
}
