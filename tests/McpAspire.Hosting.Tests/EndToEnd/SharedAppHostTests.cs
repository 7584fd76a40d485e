using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using McpAspire.Hosting.Health;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.ResourceService;
using McpAspire.Hosting.Testing;
using McpAspire.Hosting.Tests.Infrastructure;

namespace McpAspire.Hosting.Tests.EndToEnd;

[Collection(AppHostCollection.Name)]
public sealed class SharedAppHostTests
{
    private readonly AppHostFixture _fixture;

    public SharedAppHostTests(AppHostFixture fixture)
    {
        _fixture = fixture;
    }

    private DistributedApplication App => _fixture.App;

    [Fact]
    public void Every_resource_is_running_and_healthy_with_random_ports_and_no_dashboard()
    {
        foreach (var name in AppHostFixture.Resources)
        {
            var s = App.ResourceNotifications.GetSnapshot(name);
            Assert.Equal(ResourceState.Running, s.State);
            Assert.Equal(HealthStatus.Healthy, s.Health);
        }
        var gateway = App.ResourceNotifications.GetSnapshot("gateway");
        Assert.Equal(["gateway-0", "gateway-1"], gateway.Replicas.Select(r => r.Name));
        Assert.All(gateway.Replicas, r => Assert.True(r.Pid is > 0 && ProcessTable.IsAlive(r.Pid.Value)));
        // The testing builder randomises the stable user ports and leaves the dashboard out.
        Assert.NotEqual(7080, App.GetEndpoint("gateway").Port);
        Assert.DoesNotContain("dashboard", App.ResourceNotifications.ResourceNames);
    }

    [Fact]
    public void WaitFor_held_each_service_back_until_its_dependency_was_healthy()
    {
        var redisRunning = _fixture.FirstSeen[("redis", ResourceState.Running)];
        var statesvcStarting = _fixture.FirstSeen[("statesvc", ResourceState.Starting)];
        var gatewayStarting = _fixture.FirstSeen[("gateway", ResourceState.Starting)];
        var statesvcRunning = _fixture.FirstSeen[("statesvc", ResourceState.Running)];
        var toolhostRunning = _fixture.FirstSeen[("toolhost", ResourceState.Running)];
        Assert.True(statesvcStarting >= redisRunning, $"statesvc started at {statesvcStarting:O}, before redis was healthy at {redisRunning:O}");
        Assert.True(gatewayStarting >= statesvcRunning && gatewayStarting >= toolhostRunning, "gateway started before statesvc and toolhost were healthy");
    }

    [Fact]
    public async Task A_gateway_replica_sees_the_environment_contract_and_reaches_statesvc_and_redis()
    {
        using var http = App.CreateHttpClient("gateway");
        var seen = new Dictionary<string, JsonElement>();
        // Per-connection round-robin: fresh connections reach both replicas.
        for (var i = 0; i < 20 && seen.Count < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/diagnostics/environment");
            request.Headers.ConnectionClose = true;
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
            seen[report.GetProperty("replicaName").GetString()!] = report;
        }
        Assert.Equal(["gateway-0", "gateway-1"], seen.Keys.Order());

        var statesvc = App.GetEndpoint("statesvc");
        foreach (var (replica, report) in seen)
        {
            Assert.Equal(statesvc.ToString(), report.GetProperty("statesvcUrl").GetString());
            Assert.Equal(200, report.GetProperty("statesvcHealthStatus").GetInt32());
            Assert.Equal("PONG", report.GetProperty("redisPing").GetString());
            Assert.True(report.GetProperty("redisHasPassword").GetBoolean());
            Assert.Equal("gateway", report.GetProperty("otelServiceName").GetString());
            Assert.Equal($"service.instance.id={replica}", report.GetProperty("otelResourceAttributes").GetString());
            // No dashboard under the testing builder, so no OTLP endpoint is injected.
            Assert.Equal(JsonValueKind.Null, report.GetProperty("otlpEndpoint").ValueKind);
        }
    }

    [Fact]
    public async Task The_redis_connection_string_carries_a_generated_password_that_redis_enforces()
    {
        var connectionString = await App.GetConnectionStringAsync("redis");
        Assert.NotNull(connectionString);
        var (host, port, password) = RedisPing.ParseConnectionString(connectionString);
        Assert.Matches("^[A-Za-z0-9]{22}$", password);
        Assert.True(await RedisPing.PingAsync(host, port, password, TimeSpan.FromSeconds(3)));
        Assert.False(await RedisPing.PingAsync(host, port, "wrong-password", TimeSpan.FromSeconds(3)));
        Assert.StartsWith("-NOAUTH", await RespProbe.SendAsync(host, port, null, "PING"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_resource_names_fail_at_once_listing_the_known_ones()
    {
        var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => App.ResourceNotifications.WaitForResourceHealthyAsync("gatewy"));
        Assert.Contains("gatewy", ex.Message, StringComparison.Ordinal);
        Assert.Contains("gateway, redis, statesvc, toolhost", ex.Message, StringComparison.Ordinal);
        Assert.Throws<DistributedApplicationException>(() => App.CreateHttpClient("nope"));
        await Assert.ThrowsAsync<DistributedApplicationException>(() => App.GetConnectionStringAsync("statesvc"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_resource_service_survives_the_hostile_corpus(bool withKey)
    {
        var probe = new McpAspire.TestSupport.HostileInput.HostileEndpointProbe
        {
            Authorize = withKey ? r => r.Headers.TryAddWithoutValidation(ResourceServiceHost.ApiKeyHeader, App.ResourceServiceApiKey) : null,
            RawAuthorizationHeaders = withKey ? $"{ResourceServiceHost.ApiKeyHeader}: {App.ResourceServiceApiKey}\r\n" : string.Empty,
        };
        var report = await probe.RunAsync(
        [
            McpAspire.TestSupport.HostileInput.HostileEndpointProbe.Endpoint("/resources", "GET"),
            McpAspire.TestSupport.HostileInput.HostileEndpointProbe.Endpoint("/resources/watch", "GET"),
            McpAspire.TestSupport.HostileInput.HostileEndpointProbe.Endpoint("/resources/{name}/logs", "GET"),
            McpAspire.TestSupport.HostileInput.HostileEndpointProbe.Endpoint("/resources/{name}/commands/{command}", "POST"),
        ], App.ResourceServiceUrl!);

        Assert.True(report.Failures.Count == 0, report.Summary + Environment.NewLine + string.Join(Environment.NewLine, report.Failures.Take(40)));
        foreach (var name in AppHostFixture.Resources)
        {
            Assert.Equal(ResourceState.Running, App.ResourceNotifications.GetSnapshot(name).State);
        }
    }

    [Fact]
    public async Task The_resource_service_serves_resources_logs_and_commands_behind_its_key()
    {
        using var http = new HttpClient { BaseAddress = App.ResourceServiceUrl };
        using (var noKey = await http.GetAsync("/resources"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
            Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);
        }
        http.DefaultRequestHeaders.Add(ResourceServiceHost.ApiKeyHeader, App.ResourceServiceApiKey);

        var resources = await http.GetFromJsonAsync<JsonElement>("/resources");
        var gateway = resources.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "gateway");
        Assert.Equal("Running", gateway.GetProperty("state").GetString());
        Assert.Equal("Healthy", gateway.GetProperty("health").GetString());
        Assert.Equal(2, gateway.GetProperty("replicas").GetArrayLength());
        Assert.Equal(App.GetEndpoint("gateway").ToString().TrimEnd('/'), gateway.GetProperty("endpoints")[0].GetProperty("url").GetString());

        using (var unknown = await http.PostAsync("/resources/nope/commands/restart", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        using (var badCommand = await http.PostAsync("/resources/statesvc/commands/explode", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badCommand.StatusCode);
        }

        // Logs: buffered lines first (statesvc printed its start-up banner long ago).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var logs = await http.GetAsync("/resources/statesvc/logs", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", logs.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await logs.Content.ReadAsStreamAsync(cts.Token));
        string? line;
        JsonElement? first = null;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                first = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                break;
            }
        }
        Assert.NotNull(first);
        Assert.Equal("statesvc", first.Value.GetProperty("resource").GetString());
        Assert.Contains(first.Value.GetProperty("stream").GetString(), new[] { "stdout", "stderr" });
        Assert.False(string.IsNullOrEmpty(first.Value.GetProperty("line").GetString()));

        using var watch = await http.GetAsync("/resources/watch", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var watchReader = new StreamReader(await watch.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("event: resources", await watchReader.ReadLineAsync(cts.Token));
        var data = await watchReader.ReadLineAsync(cts.Token);
        Assert.StartsWith("data: [", data, StringComparison.Ordinal);
    }
}
