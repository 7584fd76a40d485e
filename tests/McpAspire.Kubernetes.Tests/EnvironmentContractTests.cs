namespace McpAspire.Kubernetes.Tests;

/// <summary>Every variable a service gets in the local run is in its Deployment, bar a short list of local-only ones.</summary>
[Collection(PublishedAppCollection.Name)]
public sealed class EnvironmentContractTests(PublishedAppFixture fixture)
{
    /// <summary>Local-run variables a cluster has no use for, each with its reason.</summary>
    private static readonly Dictionary<string, string> s_localOnly = new(StringComparer.Ordinal)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "the launch profile's Development; a cluster runs Production",
        ["DOTNET_LAUNCH_PROFILE"] = "launch profiles are a local-run notion",
        ["DOTNET_ROOT"] = "where the local .NET lives, for the built executables the AppHost starts directly (DirectLaunchExtensions); an image carries its runtime",
        ["ASPNETCORE_URLS"] = "DCP's loopback ports; pods listen on HTTP_PORTS",
        ["Gateway__Auth__AllowAnonymous"] = "anonymous /mcp is for local runs only (Program.cs)",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "the dashboard's 1 s batching; a collector uses the SDK defaults",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "the dashboard's 1 s batching",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "the dashboard's 1 s metric interval",
        ["OTEL_TRACES_SAMPLER"] = "always_on for the dashboard; sampling is the operator's choice",
        ["OTEL_METRICS_EXEMPLAR_FILTER"] = "the dashboard's exemplars",
        ["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "the dashboard shows full URLs; a cluster keeps query strings redacted",
        ["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "as above, for outgoing calls",
        ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "message content in telemetry is a local debugging aid, not for production",
        ["LOGGING__CONSOLE__FORMATTERNAME"] = "DCP's log capture",
        ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "DCP's log capture",
    };

    [Fact]
    public async Task Every_variable_of_the_local_run_is_in_the_deployment()
    {
        var local = await LocalRunEnvironment.NamesAsync();
        Assert.Equal(["gateway", "statesvc", "toolhost"], local.Keys.Order());
        foreach (var (service, names) in local)
        {
            var deployed = fixture.InCluster.Deployment(service).Spec.Template.Spec.Containers[0].Env.Select(e => e.Name).ToHashSet();
            var missing = names.Where(n => !deployed.Contains(n) && !s_localOnly.ContainsKey(n)).Order().ToList();
            Assert.True(missing.Count == 0, $"{service} lacks {string.Join(", ", missing)}");
            // The contract the services read (issue 15): the connection string, service discovery, telemetry identity.
            Assert.Contains("ConnectionStrings__redis", deployed);
            Assert.Contains("OTEL_SERVICE_NAME", deployed);
            Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", deployed);
            Assert.Contains("OTEL_RESOURCE_ATTRIBUTES", deployed);
        }
        var gateway = fixture.InCluster.Deployment("gateway").Spec.Template.Spec.Containers[0].Env;
        Assert.Equal("http://statesvc:8080", gateway.Single(e => e.Name == "services__statesvc__http__0").Value);
        Assert.Equal("http://toolhost:8080", gateway.Single(e => e.Name == "services__toolhost__http__0").Value);
    }

    [Fact]
    public async Task The_local_only_list_names_only_variables_the_local_run_still_sets()
    {
        // Keeps the exclusions honest: one the AppHost no longer sets is dropped from the list, not kept as a blind spot.
        var local = await LocalRunEnvironment.NamesAsync();
        var all = local.Values.SelectMany(n => n).ToHashSet();
        var stale = s_localOnly.Keys.Where(k => !all.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "not set locally any more: " + string.Join(", ", stale));
    }
}
