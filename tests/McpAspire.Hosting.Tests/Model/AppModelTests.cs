using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Health;
using McpAspire.Hosting.Logging;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Orchestration;

namespace McpAspire.Hosting.Tests.Model;

public sealed class AppModelTests
{
    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("has space")]
    [InlineData("under_score")]
    public void Invalid_resource_names_are_rejected(string name)
    {
        var builder = TestModel.CreateBuilder();
        Assert.ThrowsAny<ArgumentException>(() => builder.AddRedis(name));
    }

    [Fact]
    public void Duplicate_names_are_rejected_case_insensitively()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddProject("api", "../Api/Api.csproj");
        var ex = Assert.Throws<DistributedApplicationException>(() => builder.AddProject("API", "../Worker/Worker.csproj"));
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_project_file_fails_with_its_full_path()
    {
        var builder = TestModel.CreateBuilder();
        var ex = Assert.Throws<FileNotFoundException>(() => builder.AddProject("api", "../Nope/Nope.csproj"));
        Assert.Contains(Path.Combine("Nope", "Nope.csproj"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void References_produce_connection_string_and_service_discovery_variables()
    {
        var builder = TestModel.CreateBuilder();
        var redis = builder.AddRedis("cache");
        var api = builder.AddProject("api", "../Api/Api.csproj").WithReplicas(3);
        var worker = builder.AddProject("worker", "../Worker/Worker.csproj")
            .WithReference(redis)
            .WithReference(api)
            .WithEnvironment("FEATURE", "on");

        var publish = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish);
        var env = ServiceEnvironmentContract.Build(worker.Resource, publish, run: null, replica: 0);
        Assert.Equal("{cache.connectionString}", ServiceEnvironmentContract.ToManifestValue(env["ConnectionStrings__cache"]));
        // One discovery entry per endpoint, whatever the replica count: the front URL.
        Assert.Equal("{api.bindings.http.url}", ServiceEnvironmentContract.ToManifestValue(env["services__api__http__0"]));
        Assert.False(env.ContainsKey("services__api__http__1"));
        Assert.Equal("on", env["FEATURE"]);
        Assert.Equal("true", env["ASPNETCORE_FORWARDEDHEADERS_ENABLED"]);
        Assert.Equal("{worker.bindings.http.targetPort}", env["HTTP_PORTS"]);
    }

    [Fact]
    public async Task Run_mode_environment_follows_the_contract_for_each_replica()
    {
        var builder = TestModel.CreateBuilder();
        var redis = builder.AddRedis("cache");
        var api = builder.AddProject("api", "../Api/Api.csproj").WithReplicas(2).WithReference(redis);
        var endpoint = api.Resource.Annotations.OfType<EndpointAnnotation>().Single();
        endpoint.AllocatedEndpoint = new AllocatedEndpoint("http", "localhost", 7080, [41001, 41002], Proxied: true);
        redis.Resource.Annotations.OfType<EndpointAnnotation>().Single().AllocatedEndpoint = new AllocatedEndpoint("tcp", "127.0.0.1", 6390, [6390], Proxied: false);

        var run = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run);
        var env = await ServiceEnvironmentContract.ResolveAsync(
            ServiceEnvironmentContract.Build(api.Resource, run, new RunEnvironment("api-1", "Development", "http://localhost:18888", "otlp-key"), replica: 1), default);

        Assert.Equal("http://localhost:41002", env["ASPNETCORE_URLS"]);
        Assert.Equal($"127.0.0.1:6390,password={redis.Resource.PasswordParameter.Value}", env["ConnectionStrings__cache"]);
        Assert.Equal("http://localhost:18888", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("x-otlp-api-key=otlp-key", env["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("api", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=api-1", env["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("1000", env["OTEL_BSP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", env["OTEL_BLRP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", env["OTEL_METRIC_EXPORT_INTERVAL"]);
        Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
        Assert.False(env.ContainsKey("HTTP_PORTS"));
    }

    [Fact]
    public async Task Executables_learn_their_port_from_the_variable_named_on_the_endpoint()
    {
        var builder = TestModel.CreateBuilder();
        var web = builder.AddExecutable("web", "node", ".", "server.js").WithHttpEndpoint(env: "PORT").WithReplicas(2);
        web.Resource.Annotations.OfType<EndpointAnnotation>().Single().AllocatedEndpoint = new AllocatedEndpoint("http", "localhost", 9000, [41001, 41002], Proxied: true);
        var run = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run);
        var replica0 = await ServiceEnvironmentContract.ResolveAsync(ServiceEnvironmentContract.Build(web.Resource, run, new RunEnvironment("web-0", "Development", null, null), 0), default);
        var replica1 = await ServiceEnvironmentContract.ResolveAsync(ServiceEnvironmentContract.Build(web.Resource, run, new RunEnvironment("web-1", "Development", null, null), 1), default);
        Assert.Equal("41001", replica0["PORT"]);
        Assert.Equal("41002", replica1["PORT"]);
        Assert.False(replica0.ContainsKey("ASPNETCORE_URLS"));
        Assert.False(replica0.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var publish = ServiceEnvironmentContract.Build(web.Resource, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), null, 0);
        Assert.Equal("{web.bindings.http.targetPort}", publish["PORT"]);
    }

    [Fact]
    public void Generated_passwords_are_22_letters_and_digits_unless_configured()
    {
        var generated = TestModel.CreateBuilder().AddRedis("cache").Resource.PasswordParameter.Value;
        Assert.Matches("^[A-Za-z0-9]{22}$", generated);
        Assert.NotEqual(generated, TestModel.CreateBuilder().AddRedis("cache").Resource.PasswordParameter.Value);

        var configured = TestModel.CreateBuilder("--Parameters:cache-password=s3cret").AddRedis("cache");
        Assert.Equal("s3cret", configured.Resource.PasswordParameter.Value);

        var missing = TestModel.CreateBuilder().AddParameter("apikey", secret: true);
        var ex = Assert.Throws<InvalidOperationException>(() => missing.Resource.Value);
        Assert.Contains("Parameters:apikey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_redis_connection_string_replaces_the_local_server()
    {
        var builder = TestModel.CreateBuilder("--ConnectionStrings:cache=redis.example:6380,password=x");
        var redis = builder.AddRedis("cache");
        Assert.Equal("redis.example:6380,password=x", redis.Resource.ExternalConnectionString);
    }

    [Fact]
    public void Stop_order_is_the_reverse_of_the_dependency_order()
    {
        var builder = TestModel.CreateBuilder();
        var redis = builder.AddRedis("cache");
        var api = builder.AddProject("api", "../Api/Api.csproj").WithReference(redis).WaitFor(redis);
        var worker = builder.AddProject("worker", "../Worker/Worker.csproj").WithReference(api).WaitFor(api);
        var layers = DependencyOrder.StopLayers([redis.Resource, api.Resource, worker.Resource]);
        Assert.Equal(["worker"], layers[0].Select(r => r.Name));
        Assert.Equal(["api"], layers[1].Select(r => r.Name));
        Assert.Equal(["cache"], layers[2].Select(r => r.Name));
    }

    [Fact]
    public void WaitFor_cycles_and_self_waits_are_rejected()
    {
        var builder = TestModel.CreateBuilder();
        var api = builder.AddProject("api", "../Api/Api.csproj");
        var worker = builder.AddProject("worker", "../Worker/Worker.csproj").WaitFor(api);
        api.WaitFor(worker);
        var ex = Assert.Throws<DistributedApplicationException>(() => DependencyOrder.ThrowOnWaitCycle([api.Resource, worker.Resource]));
        Assert.Contains("api -> worker -> api", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => api.WaitFor(api));
    }

    [Fact]
    public void Restart_backoff_doubles_from_half_a_second_up_to_the_cap()
    {
        var cap = TimeSpan.FromSeconds(15);
        Assert.Equal(TimeSpan.FromMilliseconds(500), RestartBackoff.Delay(1, cap));
        Assert.Equal(TimeSpan.FromSeconds(1), RestartBackoff.Delay(2, cap));
        Assert.Equal(TimeSpan.FromSeconds(8), RestartBackoff.Delay(5, cap));
        Assert.Equal(cap, RestartBackoff.Delay(6, cap));
        Assert.Equal(cap, RestartBackoff.Delay(1000, cap));
    }

    [Theory]
    [InlineData("--AppHost:StopTimeoutSeconds=0", "StopTimeoutSeconds")]
    [InlineData("--AppHost:DashboardPort=70000", "DashboardPort")]
    [InlineData("--AppHost:RandomizePorts=maybe", "RandomizePorts")]
    [InlineData("--publisher=zip", "zip")]
    [InlineData("--publisher=manifest", "--output-path")]
    public void Bad_AppHost_settings_fail_at_build_time_naming_the_key(string arg, string expected)
    {
        var ex = Assert.ThrowsAny<Exception>(() => TestModel.CreateBuilder(arg));
        Assert.True(ex is InvalidOperationException or DistributedApplicationException);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6380,password=abc", "127.0.0.1", 6380, "abc")]
    [InlineData("redis:6379", "redis", 6379, null)]
    [InlineData("cache,password=p=q,ssl=true", "cache", 6379, "p=q")]
    public void Redis_connection_strings_are_parsed_for_the_health_check(string cs, string host, int port, string? password)
    {
        Assert.Equal((host, port, password), RedisPing.ParseConnectionString(cs));
    }

    [Fact]
    public void The_start_up_table_lists_urls_and_says_which_resources_failed()
    {
        var ok = new ResourceSnapshot
        {
            Name = "gateway", Type = "Project", State = ResourceState.Running, Health = HealthStatus.Healthy,
            Endpoints = [new ResourceUrl("http", "http://localhost:7080")],
        };
        var failed = new ResourceSnapshot { Name = "redis", Type = "Redis", State = ResourceState.FailedToStart, Health = HealthStatus.Unhealthy, Error = "no server" };
        var allGood = StartupTable.Render([ok], TimeSpan.FromSeconds(1.2));
        Assert.Contains("All 1 resources healthy in 1.2 s", allGood, StringComparison.Ordinal);
        Assert.Contains("http://localhost:7080", allGood, StringComparison.Ordinal);
        var someBad = StartupTable.Render([ok, failed], TimeSpan.FromSeconds(3));
        Assert.Contains("1 of 2 resources healthy after 3.0 s; not healthy: redis", someBad, StringComparison.Ordinal);
        Assert.Contains("redis: no server", someBad, StringComparison.Ordinal);
        Assert.Contains("FailedToStart", someBad, StringComparison.Ordinal);
    }

    [Fact]
    public void Console_buffers_keep_only_the_newest_lines()
    {
        var buffer = new ResourceLogBuffer(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            buffer.Add(new LogLine("api", "api", false, $"line {i}", DateTimeOffset.UnixEpoch));
        }
        Assert.Equal(["line 2", "line 3", "line 4"], buffer.Snapshot().Select(l => l.Text));
        Assert.Equal(["line 4"], buffer.Snapshot(1).Select(l => l.Text));
    }

    [Fact]
    public async Task Waiting_for_health_fails_fast_with_the_last_console_lines_when_a_resource_failed_to_start()
    {
        var logs = new ResourceLoggerService();
        var notifications = new ResourceNotificationService([new ResourceSnapshot { Name = "api", Type = "Project" }], logs);
        logs.GetBuffer("api").Add(new LogLine("api", "api", true, "Unhandled exception: port in use", DateTimeOffset.UnixEpoch));
        var wait = notifications.WaitForResourceHealthyAsync("api", new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        notifications.PublishUpdate(new ResourceSnapshot { Name = "api", Type = "Project", State = ResourceState.FailedToStart, Error = "boom" });
        var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => wait);
        Assert.Contains("failed to start: boom", ex.Message, StringComparison.Ordinal);
        Assert.Contains("port in use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_that_runs_out_of_time_says_what_state_the_resource_was_in()
    {
        var logs = new ResourceLoggerService();
        var notifications = new ResourceNotificationService([new ResourceSnapshot { Name = "api", Type = "Project", State = ResourceState.Unhealthy, Health = HealthStatus.Unhealthy }], logs);
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => notifications.WaitForResourceHealthyAsync("api", new CancellationTokenSource(TimeSpan.FromMilliseconds(200)).Token));
        Assert.Contains("Unhealthy", ex.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<DistributedApplicationException>(() => notifications.GetSnapshot("apx"));
        Assert.Contains("Known resources: api", unknown.Message, StringComparison.Ordinal);
    }
}
