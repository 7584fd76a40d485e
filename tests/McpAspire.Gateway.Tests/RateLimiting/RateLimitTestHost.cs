using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using McpAspire.Gateway.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Gateway.Tests.RateLimiting;

/// <summary>
/// The gateway's real API-key authentication for the rate-limit tests: one key per test user (principal id
/// <c>key:{user}</c>), and anonymous callers allowed (counted by address).
/// </summary>
internal static class TestUsers
{
    public static readonly string[] Names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"];

    public static string KeyOf(string user) => $"mcpk_ratelimit-test-{user}-0123456789";

    public static void AddTo(IDictionary<string, string?> settings)
    {
        settings["Gateway:Auth:AllowAnonymous"] = "true";
        for (var i = 0; i < Names.Length; i++)
        {
            settings[$"Gateway:Auth:ApiKeys:{i}:Name"] = Names[i];
            settings[$"Gateway:Auth:ApiKeys:{i}:Hash"] = McpAspire.Gateway.Security.ApiKeyHasher.Hash(KeyOf(Names[i]));
        }
    }

    public static void Authenticate(HttpRequestMessage request, string user) =>
        request.Headers.TryAddWithoutValidation(McpAspire.Gateway.Security.GatewayAuthenticationHandler.ApiKeyHeader, KeyOf(user));
}

/// <summary>A gateway replica with rate limits on real Kestrel, plus what the tests read from it.</summary>
internal sealed class LimitedGateway : IAsyncDisposable
{
    private LimitedGateway(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        McpUri = new Uri(baseAddress, "mcp");
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public Uri McpUri { get; }

    public static async Task<LimitedGateway> StartAsync(IDictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        settings = new Dictionary<string, string?>(settings);
        TestUsers.AddTo(settings);
        var app = GatewayApp.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Logging.ClearProviders();
            if (logs is not null)
            {
                b.Logging.AddProvider(logs);
            }
            b.Configuration.AddInMemoryCollection(settings);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LimitedGateway(app, new Uri(address + "/"));
    }

    /// <summary>Waits until the downstream is in the catalog and, with a Redis store, the multiplexer is connected.</summary>
    public async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        await Eventually.HoldsAsync(async () => (await http.GetStringAsync("stats")).Contains("\"status\":\"connected\"", StringComparison.Ordinal), "toolhost connected", 60);
        if (App.Services.GetService<StackExchange.Redis.IConnectionMultiplexer>() is { } redis)
        {
            await Eventually.HoldsAsync(() => Task.FromResult(redis.IsConnected), "the gateway connected to Redis");
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}

/// <summary>Counts the rate-limit instruments of the given gateways only (other tests run in parallel in this process).</summary>
internal sealed class RateLimitMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object[] _scopes;
    private long _rejectedPrincipal;
    private long _rejectedTool;
    private long _storeFailures;

    public RateLimitMeter(params LimitedGateway[] gateways)
    {
        _scopes = [.. gateways.Select(g => (object)g.App.Services.GetRequiredService<IMeterFactory>())];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope is { } scope && _scopes.Contains(scope) && instrument.Name.StartsWith("mcp.gateway.ratelimit.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "mcp.gateway.ratelimit.store_failures")
            {
                Interlocked.Add(ref _storeFailures, value);
                return;
            }
            foreach (var tag in tags)
            {
                if (tag.Key == RateLimitMetrics.ScopeTag)
                {
                    Interlocked.Add(ref tag.Value as string == "tool" ? ref _rejectedTool : ref _rejectedPrincipal, value);
                }
            }
        });
        _listener.Start();
    }

    public long RejectedPrincipal => Interlocked.Read(ref _rejectedPrincipal);

    public long RejectedTool => Interlocked.Read(ref _rejectedTool);

    public long StoreFailures => Interlocked.Read(ref _storeFailures);

    public void Dispose() => _listener.Dispose();
}

/// <summary>Requests the rate-limit tests send, and what they check in a 429.</summary>
internal static class LimitedCalls
{
    /// <summary>A 2026-07-28 stateless <c>tools/call</c> as one user (with its API key; null: anonymous).</summary>
    public static HttpRequestMessage Stateless(Uri mcp, string? user, string tool, long id = 1)
    {
        var request = RawMcp.Post(mcp, $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{"message":"m{{{id}}}"},{{{RawMcp.Meta2026}}}}}""");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/call");
        request.Headers.Add("Mcp-Name", tool);
        if (user is not null)
        {
            TestUsers.Authenticate(request, user);
        }
        return request;
    }

    public static async Task<RawResponse> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            return await RawMcp.SendAsync(http, request);
        }
    }

    /// <summary>Asserts a 429 with Retry-After and the JSON-RPC error; returns the error's data.</summary>
    public static JsonElement AssertLimited(RawResponse response, string scope, int limit, long id)
    {
        Assert.True(response.Status == (HttpStatusCode)429, $"expected 429, got {(int)response.Status}: {response.Body}");
        var retryAfter = long.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        var message = Assert.Single(response.Messages);
        Assert.Equal(id, message.GetProperty("id").GetInt64());
        var error = message.GetProperty("error");
        Assert.Equal(RateLimitFilter.ErrorCode, error.GetProperty("code").GetInt32());
        var data = error.GetProperty("data");
        Assert.Equal(scope, data.GetProperty("scope").GetString());
        Assert.Equal(limit, data.GetProperty("limit").GetInt32());
        var retryAfterMs = data.GetProperty("retryAfterMs").GetInt64();
        Assert.True(retryAfterMs > 0, "retryAfterMs is positive");
        Assert.Equal((long)Math.Ceiling(retryAfterMs / 1000.0), retryAfter); // the header is the same wait, in seconds rounded up
        return data.Clone();
    }

    public static void AssertServed(RawResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.OK, $"expected 200, got {(int)response.Status}: {response.Body}");
        Assert.DoesNotContain(response.Messages, m => m.TryGetProperty("error", out _));
    }
}
