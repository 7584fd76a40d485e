using System.Net;
using System.Text.Json;
using McpAspire.StateService;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// Two gateway replicas as separate OS processes (<c>dotnet McpAspire.Gateway.dll</c>) sharing sessions over one state
/// service (the records) and a real redis-server (the event streams); one is killed with SIGKILL while a client's GET
/// stream is open on it. The ground truth is the session's GET stream in Redis.
/// </summary>
public sealed class GatewayReplicaKillTests
{

    [Fact]
    public async Task Gateway_replica_killed_with_sigkill_mid_stream_and_the_client_resumes_on_the_other_with_every_event_once_in_order()
    {
        await using var redis = await RedisServerProcess.StartAsync(RedisServerKind.Redis);
        var statePort = FreePort.Next();
        var state = StateServiceApp.Build([], b =>
        {
            b.WebHost.UseUrls($"http://127.0.0.1:{statePort}");
            b.Logging.ClearProviders();
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        });
        await state.StartAsync();
        try
        {
            // The downstream: the tool host with its agent features (mailboxes are subscribable resources; a message
            // sent to an agent makes it announce notifications/resources/updated for mailbox://{id}).
            await using var toolHost = await RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
            var environment = new Dictionary<string, string>
            {
                ["Gateway__SessionStore"] = "state",
                ["Gateway__Auth__AllowAnonymous"] = "true",
                ["services__statesvc__http__0"] = $"http://127.0.0.1:{statePort}",
                ["ConnectionStrings__redis"] = redis.ConnectionString,
                ["Gateway__Servers__toolhost__Url"] = toolHost.McpUri.ToString(),
                ["Gateway__Servers__toolhost__ReconnectDelay"] = "00:00:00.200",
                ["Logging__LogLevel__McpAspire"] = "Debug",
            };
            await using var a = await DotnetAppProcess.StartAsync("McpAspire.Gateway.dll", environment);
            await using var b = await DotnetAppProcess.StartAsync("McpAspire.Gateway.dll", environment);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            foreach (var gateway in new[] { a, b })
            {
                await Eventually.HoldsAsync(async () => (await http.GetStringAsync(new Uri(gateway.BaseAddress, "stats"))).Contains("\"status\":\"connected\"", StringComparison.Ordinal),
                    $"replica {gateway.Pid} connected to the tool host", 60);
            }

            // A 2025-11-25 session begins on A; its requests go to B (as a load balancer may send them), so B holds
            // the session and its resource subscriptions, and B's downstream connection hears the updates.
            var sid = await RawMcp.InitializeAsync(http, a.McpUri);
            await using var redisClient = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var log = new GetStreamLog(redisClient, sid);
            try
            {
                var agents = Enumerable.Range(0, 5).Select(i => $"w{i}").ToArray();
                var id = 10;
                foreach (var agent in agents)
                {
                    await CallAsync(http, b.McpUri, sid, id++, "agents_register", $$"""{"id":"{{agent}}","name":"worker {{agent}}"}""");
                    var subscribed = await RawMcp.SendAsync(http, RawMcp.Post(b.McpUri,
                        $$$"""{"jsonrpc":"2.0","id":{{{id++}}},"method":"resources/subscribe","params":{"uri":"mailbox://{{{agent}}}"}}""", sid));
                    Assert.True(subscribed.ErrorCode is null && subscribed.Status == HttpStatusCode.OK, $"subscribe mailbox://{agent}: {subscribed.Status} {subscribed.Body}");
                }

                var received = new List<(string Uri, string EventId)>();
                var stream = await SseStream.OpenAsync(http, a.McpUri, sid);
                await using (stream)
                {
                    // Two events produced through B reach the client's stream on A (through the state service's log).
                    foreach (var agent in agents[..2])
                    {
                        await SendMessageAsync(http, b.McpUri, sid, id++, agent);
                        received.Add(await NextUpdateAsync(stream, $"mailbox://{agent} on A's stream"));
                    }

                    await a.KillAsync();
                    Assert.True(a.HasExited, "replica A is gone");
                    await Assert.ThrowsAsync<InvalidOperationException>(() => stream.NextMessageAsync("the end of the killed replica's stream"));
                }

                // Produced while the client has no stream anywhere. Each is waited for in the log before the next one is
                // caused, so the order they were produced in is known.
                foreach (var agent in agents[2..4])
                {
                    await SendMessageAsync(http, b.McpUri, sid, id++, agent);
                    await Eventually.HoldsAsync(async () => (await log.ReadAsync()).Any(e => e.Data.Contains($"mailbox://{agent}", StringComparison.Ordinal)),
                        $"the update of mailbox://{agent} was logged", 20);
                }

                await using var resumed = await SseStream.OpenAsync(http, b.McpUri, sid, received[^1].EventId);
                received.Add(await NextUpdateAsync(resumed, "mailbox://w2 replayed on B"));
                received.Add(await NextUpdateAsync(resumed, "mailbox://w3 replayed on B"));
                // One more, live: a duplicate of anything replayed would have to arrive before it.
                await SendMessageAsync(http, b.McpUri, sid, id++, agents[4]);
                received.Add(await NextUpdateAsync(resumed, "mailbox://w4 live on B"));

                Assert.Equal(agents.Select(agent => $"mailbox://{agent}"), received.Select(r => r.Uri));
                var sequences = received.Select(r => Sequence(r.EventId, sid)).ToList();
                Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.First < p.Second), "event ids increase: " + string.Join(", ", received.Select(r => r.EventId)));

                // The log (the ground truth) holds each update exactly once, and the client saw exactly those events.
                var logged = (await log.ReadAsync())
                    .Where(e => e.Data.Contains("notifications/resources/updated", StringComparison.Ordinal))
                    .Select(e => e.Id)
                    .ToList();
                Assert.Equal(logged, sequences);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or Xunit.Sdk.XunitException)
            {
                // What the log holds and what the replicas said is what tells a lost event from a late one.
                var events = await log.ReadAsync();
                throw new InvalidOperationException($"{ex.Message}\nThe session's GET stream log: "
                    + string.Join(", ", events.Select(e => $"{e.Id} {e.Data}"))
                    + $"\nReplica A (pid {a.Pid}):\n{a.Output}\nReplica B (pid {b.Pid}):\n{b.Output}", ex);
            }
        }
        finally
        {
            await state.StopAsync();
            await state.DisposeAsync();
        }
    }

    private static async Task CallAsync(HttpClient http, Uri mcp, string sid, int id, string tool, string arguments)
    {
        var response = await RawMcp.SendAsync(http, RawMcp.Post(mcp,
            $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""", sid));
        var result = response.Messages.LastOrDefault();
        Assert.True(response.Status == HttpStatusCode.OK && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("result", out var r)
            && !(r.TryGetProperty("isError", out var isError) && isError.GetBoolean()), $"{tool} through {mcp}: {response.Status} {response.Body}");
    }

    private static Task SendMessageAsync(HttpClient http, Uri mcp, string sid, int id, string agent) =>
        CallAsync(http, mcp, sid, id, "messages_send", $$"""{"type":"task.assign","payload":{"n":{{id}}},"to":"{{agent}}"}""");

    /// <summary>The next <c>notifications/resources/updated</c> on the stream (other notifications are skipped).</summary>
    private static async Task<(string Uri, string EventId)> NextUpdateAsync(SseStream stream, string awaited)
    {
        while (true)
        {
            var e = await stream.NextMessageAsync(awaited);
            using var message = JsonDocument.Parse(e.Data);
            if (message.RootElement.TryGetProperty("method", out var method) && method.GetString() == "notifications/resources/updated")
            {
                return (message.RootElement.GetProperty("params").GetProperty("uri").GetString()!, e.Id ?? throw new InvalidOperationException("an event without id: " + e.Data));
            }
        }
    }

    /// <summary>The session's shared GET stream in Redis (McpAspire.SessionSharing's keys: <c>mcp:sse:{session}:s:{base64url("__get__")}</c>).</summary>
    private sealed class GetStreamLog(StackExchange.Redis.IConnectionMultiplexer redis, string sessionId)
    {
        public async Task<List<(long Id, string Data)>> ReadAsync()
        {
            var key = $"mcp:sse:{sessionId}:s:{McpAspire.SessionSharing.EventIds.EncodeStream("__get__")}";
            var entries = await redis.GetDatabase().StreamRangeAsync(key);
            return [.. entries.Where(e => e["k"] == "m").Select(e => (long.Parse(e.Id.ToString().Split('-')[1], System.Globalization.CultureInfo.InvariantCulture), e["d"].ToString()))];
        }
    }

    private static long Sequence(string eventId, string sid)
    {
        Assert.StartsWith(sid + ".", eventId, StringComparison.Ordinal);
        return long.Parse(eventId[(eventId.LastIndexOf('.') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
