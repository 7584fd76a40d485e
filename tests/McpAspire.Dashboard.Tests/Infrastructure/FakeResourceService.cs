using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using KestrelApp = McpAspire.TestSupport.KestrelApp;

namespace McpAspire.Dashboard.Tests.Infrastructure;

/// <summary>
/// A FAKE of the AppHost's resource service, for the dashboard's unit-level page and relay tests only: a real Kestrel
/// app implementing the contract (GET /resources, /resources/watch, /resources/{name}/logs, POST
/// /resources/{name}/commands/{command}, key header x-resource-service-key). The full-app tests replace it with
/// McpAspire.Hosting once that is merged.
/// </summary>
internal sealed class FakeResourceService : IAsyncDisposable
{
    public const string ApiKey = "fake-resource-service-key-0123456789";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeResource> _resources = new(StringComparer.Ordinal);
    private readonly List<Channel<string>> _watchers = [];
    private readonly Dictionary<string, List<string>> _logs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Channel<string>>> _logWatchers = new(StringComparer.Ordinal);
    private KestrelApp? _app;

    public ConcurrentQueue<(string Resource, string Command)> Commands { get; } = new();

    public int UnauthorizedRequests;

    /// <summary>When set, GET /resources waits this long before answering (a hung AppHost).</summary>
    public TimeSpan? ListDelay { get; set; }

    public Uri Address => _app!.Address;

    public static async Task<FakeResourceService> StartAsync(params FakeResource[] resources)
    {
        var service = new FakeResourceService();
        foreach (var r in resources)
        {
            service._resources[r.Name] = r;
            service._logs[r.Name] = [];
            service._logWatchers[r.Name] = [];
        }
        service._app = await KestrelApp.StartAsync(null, service.Configure);
        return service;
    }

    public void SetState(string name, string state, string? health = null)
    {
        lock (_lock)
        {
            var r = _resources[name];
            r.State = state;
            r.Health = health ?? r.Health;
        }
        Broadcast();
    }

    public void AppendLog(string name, string line, string stream = "stdout", string? replica = null)
    {
        var data = new JsonObject
        {
            ["resource"] = name,
            ["replica"] = replica ?? name + "-0",
            ["stream"] = stream,
            ["line"] = line,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        }.ToJsonString();
        lock (_lock)
        {
            _logs[name].Add(data);
            foreach (var w in _logWatchers[name])
            {
                w.Writer.TryWrite(data);
            }
        }
    }

    private void Configure(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers["x-resource-service-key"] != ApiKey)
            {
                Interlocked.Increment(ref UnauthorizedRequests);
                context.Response.StatusCode = 401;
                return;
            }
            await next(context);
        });
        app.MapGet("/resources", async (HttpContext context) =>
        {
            if (ListDelay is { } delay)
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            return Results.Text(Snapshot(), "application/json");
        });
        app.MapGet("/resources/watch", async (HttpContext context) =>
        {
            var channel = Channel.CreateUnbounded<string>();
            lock (_lock)
            {
                _watchers.Add(channel);
                channel.Writer.TryWrite(SnapshotLocked());
            }
            try
            {
                await StreamAsync(context, channel, "resources");
            }
            finally
            {
                lock (_lock)
                {
                    _watchers.Remove(channel);
                }
            }
        });
        app.MapGet("/resources/{name}/logs", async (string name, HttpContext context) =>
        {
            var channel = Channel.CreateUnbounded<string>();
            lock (_lock)
            {
                if (!_logs.TryGetValue(name, out var buffered))
                {
                    context.Response.StatusCode = 404;
                    return;
                }
                foreach (var line in buffered)
                {
                    channel.Writer.TryWrite(line);
                }
                _logWatchers[name].Add(channel);
            }
            try
            {
                await StreamAsync(context, channel, null);
            }
            finally
            {
                lock (_lock)
                {
                    _logWatchers[name].Remove(channel);
                }
            }
        });
        app.MapPost("/resources/{name}/commands/{command}", (string name, string command) =>
        {
            lock (_lock)
            {
                if (!_resources.TryGetValue(name, out var r))
                {
                    return Results.NotFound();
                }
                Commands.Enqueue((name, command));
                switch (command)
                {
                    case "stop":
                        r.State = "Stopped";
                        break;
                    case "start":
                        r.State = "Running";
                        break;
                    case "restart":
                        r.State = "Running";
                        r.Restarts++;
                        break;
                    default:
                        return Results.NotFound();
                }
            }
            Broadcast();
            return Results.StatusCode(202);
        });
    }

    private static async Task StreamAsync(HttpContext context, Channel<string> channel, string? eventName)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(context.RequestAborted);
        try
        {
            await foreach (var data in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                var prefix = eventName is null ? "" : $"event: {eventName}\n";
                await context.Response.WriteAsync($"{prefix}data: {data}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Broadcast()
    {
        lock (_lock)
        {
            var snapshot = SnapshotLocked();
            foreach (var w in _watchers)
            {
                w.Writer.TryWrite(snapshot);
            }
        }
    }

    private string Snapshot()
    {
        lock (_lock)
        {
            return SnapshotLocked();
        }
    }

    private string SnapshotLocked() => new JsonArray([.. _resources.Values.Select(r => (JsonNode)r.ToJson())]).ToJsonString();

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (var w in _watchers.Concat(_logWatchers.Values.SelectMany(l => l)))
            {
                w.Writer.TryComplete();
            }
        }
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>One resource of the fake resource service, in the contract's JSON shape.</summary>
internal sealed class FakeResource
{
    public required string Name { get; init; }

    public string Type { get; init; } = "project";

    public string State { get; set; } = "Running";

    public string? Health { get; set; } = "Healthy";

    public int Replicas { get; init; } = 1;

    public int Restarts { get; set; }

    public string? Url { get; init; }

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["state"] = State,
        ["health"] = Health,
        ["replicas"] = new JsonArray([.. Enumerable.Range(0, Replicas).Select(i => (JsonNode)new JsonObject
        {
            ["name"] = $"{Name}-{i}",
            ["pid"] = 4000 + i,
            ["state"] = State,
            ["health"] = Health,
            ["url"] = Url,
            ["restarts"] = Restarts,
        })]),
        ["endpoints"] = Url is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = "http", ["url"] = Url }),
        ["startedAt"] = "2026-11-22T00:00:00Z",
        ["exitCode"] = null,
    };
}
