using System.Net;
using McpAspire.Hosting.Proxy;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpAspire.Hosting.Tests.Model;

/// <summary>The front proxy between real Kestrel replicas: round-robin, skipping, streaming.</summary>
public sealed class ReplicaFrontProxyTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _releaseSecondEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _a = null!;
    private WebApplication _b = null!;
    private int _portA;
    private int _portB;

    public async Task InitializeAsync()
    {
        (_a, _portA) = await StartReplicaAsync("a");
        (_b, _portB) = await StartReplicaAsync("b");
    }

    public async Task DisposeAsync()
    {
        _releaseSecondEvent.TrySetResult();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private async Task<(WebApplication, int)> StartReplicaAsync(string name)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/who", () => name);
        app.MapGet("/sse", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: first\n\n");
            await context.Response.Body.FlushAsync();
            await _releaseSecondEvent.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("data: second\n\n");
        });
        await app.StartAsync();
        return (app, port);
    }

    private static async Task<string> GetAsync(int frontPort, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{frontPort}{path}");
        request.Headers.ConnectionClose = true;
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task New_connections_go_round_robin_across_healthy_replicas()
    {
        await using var proxy = new ReplicaFrontProxy(0, () => [new ProxyTarget(_portA, true), new ProxyTarget(_portB, true)]);
        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await GetAsync(proxy.Port, "/who"));
        }
        Assert.Equal(3, answers.Count(a => a == "a"));
        Assert.Equal(3, answers.Count(a => a == "b"));
    }

    [Fact]
    public async Task Unhealthy_replicas_and_dead_ports_are_skipped()
    {
        var dead = FreePort.Next();
        await using var proxy = new ReplicaFrontProxy(0, () => [new ProxyTarget(_portA, false), new ProxyTarget(dead, true), new ProxyTarget(_portB, true)]);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("b", await GetAsync(proxy.Port, "/who"));
        }
    }

    [Fact]
    public async Task Server_sent_events_stream_through_before_the_response_ends()
    {
        await using var proxy = new ReplicaFrontProxy(0, () => [new ProxyTarget(_portA, true)]);
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{proxy.Port}/sse"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        // The replica holds the second event back: the first must already have come through the proxy.
        Assert.Equal("data: first", await reader.ReadLineAsync(cts.Token));
        _releaseSecondEvent.TrySetResult();
        Assert.Equal("", await reader.ReadLineAsync(cts.Token));
        Assert.Equal("data: second", await reader.ReadLineAsync(cts.Token));
    }

    [Fact]
    public async Task With_no_replica_reachable_the_connection_is_closed_not_left_hanging()
    {
        await using var proxy = new ReplicaFrontProxy(0, () => [new ProxyTarget(FreePort.Next(), true)]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{proxy.Port}/who")));
    }
}
