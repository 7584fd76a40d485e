using System.Net;
using System.Text.Json;
using McpAspire.Mcp.Tests.Infrastructure;

namespace McpAspire.Mcp.Tests;

/// <summary>Server→client events are stored and replayed after Last-Event-ID when a POST stream is cut mid-call.</summary>
public sealed class ResumabilityTests
{
    [Fact]
    public async Task Cut_post_stream_resumes_with_last_event_id_and_delivers_the_result()
    {
        await using var server = await McpTestServer.StartAsync();
        var gate = server.Service<TestGate>();
        using var http = new HttpClient();
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        using var post = RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"gated","arguments":{},"_meta":{"progressToken":"p1"}}}""", sessionId);
        var response = await http.SendAsync(post, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = new List<SseEvent>();
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)))
        {
            var block = new System.Text.StringBuilder();
            while (!seen.Any(e => e.Data.Contains("notifications/progress", StringComparison.Ordinal)))
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("stream ended early: " + block);
                block.Append(line).Append('\n');
                if (line.Length == 0)
                {
                    seen.AddRange(RawMcp.ParseSse(block.ToString()));
                    block.Clear();
                }
            }
        }
        await gate.Entered.WaitAsync(timeout.Token);
        response.Dispose(); // the client loses the stream mid-call
        var progressEvent = seen.Single(e => e.Data.Contains("notifications/progress", StringComparison.Ordinal));
        Assert.NotNull(progressEvent.Id);
        Assert.StartsWith(sessionId + ".", progressEvent.Id, StringComparison.Ordinal);

        gate.Release();
        var resumed = await RawMcp.SendAsync(http, SessionTests.Get(server.McpUri, sessionId, progressEvent.Id));

        Assert.Equal(HttpStatusCode.OK, resumed.Status);
        var messages = resumed.Messages.ToList();
        Assert.DoesNotContain(messages, m => m.TryGetProperty("method", out _)); // the progress event is not repeated
        var result = Assert.Single(messages);
        Assert.Equal(9, result.GetProperty("id").GetInt32());
        Assert.Equal("released", result.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.All(resumed.Events.Where(e => e.Data.Length > 0), e => Assert.StartsWith(sessionId + ".", e.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_from_the_priming_event_returns_every_event_of_a_finished_stream_in_order()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var sessionId = await RawMcp.InitializeAsync(http, server.McpUri);

        var call = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"progress","arguments":{},"_meta":{"progressToken":5}}}""", sessionId));
        Assert.Equal(HttpStatusCode.OK, call.Status);
        var priming = call.Events.First();
        Assert.Equal("", priming.Data);
        var live = call.Events.Where(e => e.Data.Length > 0).ToList();
        Assert.Equal(3, live.Count); // two progress notifications and the result

        var replay = await RawMcp.SendAsync(http, SessionTests.Get(server.McpUri, sessionId, priming.Id));
        Assert.Equal(live.Select(e => e.Id), replay.Events.Select(e => e.Id));
        Assert.Equal(live.Select(e => JsonDocument.Parse(e.Data).RootElement.GetRawText()), replay.Events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetRawText()));
    }

    [Fact]
    public async Task Last_event_id_of_another_session_is_rejected()
    {
        await using var server = await McpTestServer.StartAsync();
        using var http = new HttpClient();
        var first = await RawMcp.InitializeAsync(http, server.McpUri);
        var second = await RawMcp.InitializeAsync(http, server.McpUri);
        var call = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":11,"method":"tools/list"}""", first));
        var eventId = call.Events.First().Id;

        var foreign = await RawMcp.SendAsync(http, SessionTests.Get(server.McpUri, second, eventId));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
    }
}
