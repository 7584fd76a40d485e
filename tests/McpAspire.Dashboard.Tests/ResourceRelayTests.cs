using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using McpAspire.Dashboard.Tests.Infrastructure;

namespace McpAspire.Dashboard.Tests;

/// <summary>
/// The dashboard backend relays to the resource service with its key (against a FAKE of the AppHost's resource service,
/// see <see cref="FakeResourceService"/>), and says clearly when there is none.
/// </summary>
public sealed class ResourceRelayTests : IAsyncLifetime
{
    private FakeResourceService _resources = null!;
    private DashboardServer _dashboard = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _resources = await FakeResourceService.StartAsync(
            new FakeResource { Name = "gateway", Replicas = 2, Url = "http://localhost:7080" },
            new FakeResource { Name = "redis", Type = "container", Health = null });
        _dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["ResourceService:Url"] = _resources.Address.ToString(),
            ["ResourceService:ApiKey"] = FakeResourceService.ApiKey,
        });
        _client = await _dashboard.CreateClientAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _dashboard.DisposeAsync();
        await _resources.DisposeAsync();
    }

    [Fact]
    public async Task Resources_are_relayed_with_the_key_and_commands_reach_the_resource_service()
    {
        using (var list = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/api/resources", UriKind.Relative))))
        {
            var gateway = list.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "gateway");
            Assert.Equal(2, gateway.GetProperty("replicas").GetArrayLength());
        }
        Assert.Equal(0, _resources.UnauthorizedRequests);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/resources/gateway/commands/restart", UriKind.Relative));
        request.Headers.Add("x-dashboard-request", "1");
        using (var accepted = await _client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        Assert.Contains(("gateway", "restart"), _resources.Commands);

        using var unknown = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/resources/nope/commands/stop", UriKind.Relative));
        unknown.Headers.Add("x-dashboard-request", "1");
        using (var notFound = await _client.SendAsync(unknown))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }
        using (var bad = await _client.PostAsync(new Uri("/api/resources/gateway/commands/explode", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        // Without the page's header (e.g. a cross-site form post) nothing is executed.
        using (var forged = await _client.PostAsync(new Uri("/api/resources/gateway/commands/stop", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        Assert.DoesNotContain(("gateway", "stop"), _resources.Commands);
    }

    [Fact]
    public async Task Watch_and_console_log_streams_are_relayed_live()
    {
        _resources.AppendLog("redis", "Ready to accept connections");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using var watch = await _client.GetAsync(new Uri("/api/resources/watch", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", watch.Content.Headers.ContentType?.MediaType);
        await using var watchStream = await watch.Content.ReadAsStreamAsync(timeout.Token);
        await using var watchEvents = SseParser.Create(watchStream).EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await watchEvents.MoveNextAsync());
        Assert.Equal("resources", watchEvents.Current.EventType);
        _resources.SetState("redis", "Exited");
        Assert.True(await watchEvents.MoveNextAsync());
        Assert.Contains("\"Exited\"", watchEvents.Current.Data, StringComparison.Ordinal);

        using var logs = await _client.GetAsync(new Uri("/api/resources/redis/logs", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await using var logStream = await logs.Content.ReadAsStreamAsync(timeout.Token);
        await using var logEvents = SseParser.Create(logStream).EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await logEvents.MoveNextAsync());
        Assert.Contains("Ready to accept connections", logEvents.Current.Data, StringComparison.Ordinal);
        _resources.AppendLog("redis", "live line", "stderr");
        Assert.True(await logEvents.MoveNextAsync());
        using var live = JsonDocument.Parse(logEvents.Current.Data);
        Assert.Equal("live line", live.RootElement.GetProperty("line").GetString());
        Assert.Equal("stderr", live.RootElement.GetProperty("stream").GetString());

        using var missing = await _client.GetAsync(new Uri("/api/resources/nope/logs", UriKind.Relative), timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_hung_resource_service_is_a_504_while_streams_outlive_the_timeout()
    {
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["ResourceService:Url"] = _resources.Address.ToString(),
            ["ResourceService:ApiKey"] = FakeResourceService.ApiKey,
            ["ResourceService:RequestTimeout"] = "00:00:01",
        });
        using var client = await dashboard.CreateClientAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // The watch stream opens before the timeout and keeps delivering after it.
        using var watch = await client.GetAsync(new Uri("/api/resources/watch", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, guard.Token);
        await using var body = await watch.Content.ReadAsStreamAsync(guard.Token);
        await using var events = SseParser.Create(body).EnumerateAsync(guard.Token).GetAsyncEnumerator(guard.Token);
        Assert.True(await events.MoveNextAsync());

        _resources.ListDelay = TimeSpan.FromSeconds(10);
        using (var hung = await client.GetAsync(new Uri("/api/resources", UriKind.Relative), guard.Token))
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, hung.StatusCode);
            Assert.Equal("application/problem+json", hung.Content.Headers.ContentType?.MediaType);
        }
        _resources.ListDelay = null;

        _resources.SetState("gateway", "Stopping");
        Assert.True(await events.MoveNextAsync());
        Assert.Contains("\"Stopping\"", events.Current.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_streams_end_when_the_dashboard_stops()
    {
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["ResourceService:Url"] = _resources.Address.ToString(),
            ["ResourceService:ApiKey"] = FakeResourceService.ApiKey,
        });
        using var client = await dashboard.CreateClientAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = await client.GetAsync(new Uri("/api/resources/watch", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, guard.Token);
        using var telemetry = await client.GetAsync(new Uri("/api/telemetry/watch", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, guard.Token);
        var watchBody = await watch.Content.ReadAsStreamAsync(guard.Token);
        var telemetryBody = await telemetry.Content.ReadAsStreamAsync(guard.Token);

        var stopping = dashboard.App.StopAsync(guard.Token);
        // Both streams are closed by the server (the host's own shutdown timeout is 30 s, the guard 20 s).
        await DrainAsync(watchBody, guard.Token);
        await DrainAsync(telemetryBody, guard.Token);
        await stopping;
    }

    private static async Task DrainAsync(Stream stream, CancellationToken token)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A reset also ends the stream.
        }
    }

    [Fact]
    public async Task Without_a_resource_service_the_api_says_so_and_the_page_explains()
    {
        await using var bare = await DashboardServer.StartAsync();
        using var client = await bare.CreateClientAsync();
        using var api = await client.GetAsync(new Uri("/api/resources", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Contains("ResourceService__Url", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("No resource service is configured", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_resource_service_is_502_not_500()
    {
        var port = McpAspire.TestSupport.FreePort.Next();
        await using var dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?> { ["ResourceService:Url"] = $"http://127.0.0.1:{port}/" });
        using var client = await dashboard.CreateClientAsync();
        using var api = await client.GetAsync(new Uri("/api/resources", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadGateway, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }
}
