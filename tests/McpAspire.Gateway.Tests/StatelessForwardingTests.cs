using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using McpAspire.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// 2026-07-28 tool calls forwarded to an HTTP downstream without the session (Forwarding/): the real tool host behind
/// the gateway, sometimes with a recording relay in between that can delay a call or answer it with a non-MCP status.
/// </summary>
public sealed class StatelessForwardingTests
{
    private const string ClientKey = "mcpk_forwarding-test-key-0123456789";

    private static HttpRequestMessage Call2026(Uri uri, string name, string arguments, string id = "\"call-1\"", string extraMeta = "") =>
        Request2026(uri, "tools/call", "\"name\":\"" + name + "\",\"arguments\":" + arguments, name, id, extraMeta);

    private static HttpRequestMessage Request2026(Uri uri, string method, string parameters, string mcpName, string id = "\"call-1\"", string extraMeta = "")
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{" + parameters
            + ",\"_meta\":{" + extraMeta + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{}},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}}";
        var request = RawMcp.Post(uri, body);
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        request.Headers.Add("Mcp-Name", mcpName);
        return request;
    }

    private static void BodyContains(RawResponse response, string expected) =>
        Assert.True(response.Body.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in {(int)response.Status}: {response.Body}");

    private static void ErrorSays(RawResponse response, int code, string expected)
    {
        Assert.Equal(code, response.ErrorCode);
        var message = response.Messages.Single(m => m.TryGetProperty("error", out _)).GetProperty("error").GetProperty("message").GetString()!;
        Assert.True(message.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in '{message}'");
    }

    private static async Task<JsonElement> ServerStatsAsync(RunningApp gateway, string server) =>
        (await gateway.StatsAsync()).GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == server);

    private static async Task<long> ForwardedAsync(RunningApp gateway, string server) =>
        (await ServerStatsAsync(gateway, server)).GetProperty("requests").GetProperty("forwardedRequests").GetInt64();

    private static async Task<RunningApp> GatewayForAsync(Uri downstream, string name = "toolhost", IDictionary<string, string?>? extra = null)
    {
        var settings = Downstreams.Http(name, downstream);
        settings["Gateway:PrefixMode"] = "Always";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var gateway = await RunningApp.GatewayAsync(settings);
        if (settings.ContainsKey("Gateway:Auth:ApiKeys:0:Hash"))
        {
            // Every request of this client (the call and /stats) carries its key.
            gateway.Http.DefaultRequestHeaders.Add("X-Api-Key", ClientKey);
        }
        await Eventually.HoldsAsync(async () => await gateway.DownstreamStatusAsync(name) == "connected", "the downstream connected", 60);
        return gateway;
    }

    [Fact]
    public async Task A_2026_call_goes_to_the_tool_host_without_the_session_under_its_own_name_and_the_answer_comes_back_unchanged()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await GatewayForAsync(toolHost.McpUri);
        Assert.True((await ServerStatsAsync(gateway, "toolhost")).GetProperty("statelessForwarding").GetBoolean());

        var response = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__echo", """{"message":"über forwarded"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var message = Assert.Single(response.Messages);
        Assert.Equal("call-1", message.GetProperty("id").GetString());
        Assert.Contains("über forwarded", message.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await ForwardedAsync(gateway, "toolhost"));

        // A number id comes back as the same number.
        var numbered = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__echo", """{"message":"n"}""", id: "42"));
        Assert.Equal(42, Assert.Single(numbered.Messages).GetProperty("id").GetInt32());

        // A 2025 session's call still goes through the gateway's downstream session, not the forwarder.
        var sessionId = await RawMcp.InitializeAsync(gateway.Http, gateway.McpUri);
        var sessionCall = await RawMcp.SendAsync(gateway.Http, RawMcp.Post(gateway.McpUri,
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"toolhost__echo","arguments":{"message":"session"}}}""", sessionId));
        BodyContains(sessionCall, "session");
        Assert.Equal(2, await ForwardedAsync(gateway, "toolhost"));
        var requests = (await ServerStatsAsync(gateway, "toolhost")).GetProperty("requests");
        Assert.True(requests.GetProperty("totalRequests").GetInt64() >= 3, requests.ToString());
    }

    [Fact]
    public async Task Progress_streams_through_under_the_callers_token_before_the_result()
    {
        await using var toolHost = await RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        await using var gateway = await GatewayForAsync(toolHost.McpUri, "conf");

        var response = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "conf__test_tool_with_progress", "{}", extraMeta: "\"progressToken\":\"caller-token\","));

        Assert.Equal("text/event-stream", response.ContentType);
        var messages = response.Messages.ToList();
        var progress = messages.Where(m => m.TryGetProperty("method", out var method) && method.GetString() == "notifications/progress").ToList();
        Assert.Equal([0, 50, 100], progress.Select(p => p.GetProperty("params").GetProperty("progress").GetInt32()));
        Assert.All(progress, p => Assert.Equal("caller-token", p.GetProperty("params").GetProperty("progressToken").GetString()));
        Assert.True(messages[^1].TryGetProperty("result", out var result), response.Body);
        Assert.Equal("caller-token", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(1, await ForwardedAsync(gateway, "conf"));
    }

    [Fact]
    public async Task Tool_errors_and_invalid_arguments_are_relayed_as_the_server_gave_them_and_counted()
    {
        await using var toolHost = await RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        await using var gateway = await GatewayForAsync(toolHost.McpUri, "conf");
        var direct = await RawMcp.SendAsync(gateway.Http, Call2026(toolHost.McpUri, "test_error_handling", "{}"));

        var failed = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "conf__test_error_handling", "{}"));

        Assert.Equal(direct.Status, failed.Status);
        Assert.Equal(direct.ContentType, failed.ContentType);
        Assert.Equal(direct.Messages.Last().GetRawText(), failed.Messages.Last().GetRawText());
        Assert.True(failed.Messages.Last().GetProperty("result").GetProperty("isError").GetBoolean(), failed.Body);
        Assert.Equal(1, await ForwardedAsync(gateway, "conf"));
    }

    [Fact]
    public async Task Prompts_and_resource_reads_are_forwarded_too_and_answer_as_the_server_does_directly()
    {
        await using var toolHost = await RunningApp.ToolHostAsync(settings: new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        await using var gateway = await GatewayForAsync(toolHost.McpUri, "conf", new Dictionary<string, string?>
        {
            ["Gateway:Auth:AllowAnonymous"] = "true",
            ["Gateway:Auth:Rules:0:Principals:0"] = "anonymous",
            ["Gateway:Auth:Rules:0:Resources:0"] = "test://static-binary",
            ["Gateway:Auth:Rules:0:Effect"] = "Deny",
        });
        const string promptParams = "\"name\":\"test_prompt_with_arguments\",\"arguments\":{\"arg1\":\"one\",\"arg2\":\"two\"}";
        const string readParams = "\"uri\":\"test://template/42/data\"";

        var prompt = await RawMcp.SendAsync(gateway.Http, Request2026(gateway.McpUri, "prompts/get",
            "\"name\":\"conf__test_prompt_with_arguments\",\"arguments\":{\"arg1\":\"one\",\"arg2\":\"two\"}", "conf__test_prompt_with_arguments"));
        var read = await RawMcp.SendAsync(gateway.Http, Request2026(gateway.McpUri, "resources/read", readParams, "test://template/42/data"));
        var denied = await RawMcp.SendAsync(gateway.Http, Request2026(gateway.McpUri, "resources/read", "\"uri\":\"test://static-binary\"", "test://static-binary"));

        var promptDirect = await RawMcp.SendAsync(gateway.Http, Request2026(toolHost.McpUri, "prompts/get", promptParams, "test_prompt_with_arguments"));
        var readDirect = await RawMcp.SendAsync(gateway.Http, Request2026(toolHost.McpUri, "resources/read", readParams, "test://template/42/data"));
        Assert.Equal(promptDirect.Messages.Last().GetRawText(), prompt.Messages.Last().GetRawText());
        Assert.Contains("one", prompt.Body, StringComparison.Ordinal);
        Assert.Equal(readDirect.Messages.Last().GetRawText(), read.Messages.Last().GetRawText());
        Assert.Contains("42", read.Body, StringComparison.Ordinal);
        // A denied resource fails as the gateway says of one it does not know, and is not forwarded.
        ErrorSays(denied, -32002, "No MCP server behind this gateway serves resource 'test://static-binary'");
        Assert.Equal(2, await ForwardedAsync(gateway, "conf"));
    }

    public static TheoryData<string, string> OddCalls => new()
    {
        { "arguments a string", "\"a string\"" },
        { "arguments an array", "[1,2]" },
        { "required argument missing", "{}" },
        { "argument of the wrong type", "{\"message\":12345}" },
        { "extra nested arguments", "{\"message\":\"x\",\"extra\":{\"deep\":[1,[2,[3,{\"k\":null}]]]}}" },
        { "unicode, escapes and a NUL", "{\"message\":\"日本語 \\u0000 \\ud83d\\ude00 \\\"quoted\\\"\"}" },
        { "a 200 KB argument", "{\"message\":\"" + new string('x', 200_000) + "\"}" },
        { "arguments null", "null" },
    };

    [Theory]
    [MemberData(nameof(OddCalls))]
    public async Task Odd_but_well_formed_calls_get_through_the_gateway_exactly_what_the_tool_host_answers_directly(string what, string arguments)
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await GatewayForAsync(toolHost.McpUri, extra: new Dictionary<string, string?> { ["Gateway:PrefixMode"] = "Never" });

        var direct = await RawMcp.SendAsync(gateway.Http, Call2026(toolHost.McpUri, "echo", arguments));
        var through = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "echo", arguments));

        Assert.True(direct.Status == through.Status, $"{what}: {(int)direct.Status} direct, {(int)through.Status} through the gateway: {through.Body}");
        Assert.Equal(direct.Messages.Last().GetRawText(), through.Messages.Last().GetRawText());
        Assert.Equal(1, await ForwardedAsync(gateway, "toolhost"));
    }

    [Fact]
    public async Task A_call_with_duplicate_keys_is_not_forwarded_and_gets_the_sdks_answer()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await GatewayForAsync(toolHost.McpUri);

        // Which "message" would a downstream see? The gateway's parser refuses duplicates (found while parsing, however
        // deep), so the call is not relayed as bytes; the SDK, which takes the last value, answers it on its own path.
        var duplicate = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__echo", """{"message":"a","message":"b"}"""));

        Assert.True(duplicate.Status == System.Net.HttpStatusCode.OK, $"{(int)duplicate.Status}: {duplicate.Body}");
        var result = duplicate.Messages.Last().GetProperty("result");
        Assert.Equal("b", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("mcpaspire-gateway", result.GetProperty("_meta").GetProperty("io.modelcontextprotocol/serverInfo").GetProperty("name").GetString());
        Assert.Equal(0, await ForwardedAsync(gateway, "toolhost"));
    }

    [Fact]
    public async Task Unknown_and_denied_tools_keep_the_gateways_own_errors_and_are_not_forwarded()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await GatewayForAsync(toolHost.McpUri, extra: new Dictionary<string, string?>
        {
            ["Gateway:Auth:AllowAnonymous"] = "true",
            ["Gateway:Auth:Rules:0:Principals:0"] = "anonymous",
            ["Gateway:Auth:Rules:0:Tools:0"] = "toolhost__messages_*",
            ["Gateway:Auth:Rules:0:Effect"] = "Deny",
        });

        var unknown = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__nope", "{}"));
        var denied = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__messages_send", """{"to":"a","body":"b"}"""));

        ErrorSays(unknown, -32602, "Unknown tool 'toolhost__nope'");
        ErrorSays(denied, -32602, "Unknown tool 'toolhost__messages_send'");
        Assert.Equal(0, await ForwardedAsync(gateway, "toolhost"));
    }

    [Fact]
    public async Task The_forwarded_request_carries_the_callers_arguments_and_capabilities_the_gateways_identity_and_trace_and_no_client_credentials()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var relay = await RecordingRelay.StartAsync(toolHost.McpUri);
        await using var gateway = await GatewayForAsync(relay.McpUri, extra: new Dictionary<string, string?>
        {
            ["Gateway:Servers:toolhost:Headers:X-Downstream-Key"] = "configured-value",
            ["Gateway:Auth:ApiKeys:0:Name"] = "ci",
            ["Gateway:Auth:ApiKeys:0:Hash"] = McpAspire.Gateway.Security.ApiKeyHasher.Hash(ClientKey),
            ["Gateway:Auth:ApiKeys:0:Scopes:0"] = "mcp:admin",
        });
        var request = Call2026(gateway.McpUri, "toolhost__echo", """{"message":"traced"}""",
            extraMeta: "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\",\"progressToken\":7,\"private/key\":\"stays\",");

        var response = await RawMcp.SendAsync(gateway.Http, request);

        BodyContains(response, "traced");
        var (headers, body) = Assert.Single(relay.ToolCalls);
        using var forwarded = JsonDocument.Parse(body);
        var parameters = forwarded.RootElement.GetProperty("params");
        Assert.Equal("echo", parameters.GetProperty("name").GetString());
        Assert.Equal("traced", parameters.GetProperty("arguments").GetProperty("message").GetString());
        var meta = parameters.GetProperty("_meta");
        Assert.Equal("2026-07-28", meta.GetProperty("io.modelcontextprotocol/protocolVersion").GetString());
        Assert.True(meta.GetProperty("io.modelcontextprotocol/clientCapabilities").TryGetProperty("elicitation", out _));
        Assert.Equal("mcpaspire-gateway", meta.GetProperty("io.modelcontextprotocol/clientInfo").GetProperty("name").GetString());
        Assert.Equal(7, meta.GetProperty("progressToken").GetInt32());
        // Same trace as the caller's (the gateway's own span may sit between them when tracing is on).
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", meta.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
        Assert.False(meta.TryGetProperty("private/key", out _));
        Assert.Equal("echo", headers["Mcp-Name"]);
        Assert.Equal("tools/call", headers["Mcp-Method"]);
        Assert.Equal("2026-07-28", headers["MCP-Protocol-Version"]);
        Assert.Equal("configured-value", headers["X-Downstream-Key"]);
        Assert.False(headers.ContainsKey("Authorization") || headers.ContainsKey("X-Api-Key"));
        Assert.DoesNotContain(ClientKey, string.Join('\n', headers.Values) + body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_mcp_answer_becomes_a_gateway_error_naming_the_server_not_the_servers_status()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var relay = await RecordingRelay.StartAsync(toolHost.McpUri);
        await using var gateway = await GatewayForAsync(relay.McpUri);
        relay.ToolCallAnswer = async context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.WriteAsync("no");
        };

        var response = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__echo", """{"message":"x"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        ErrorSays(response, -32003, "MCP server 'toolhost' failed during the request: HTTP 401");
        Assert.Equal("call-1", Assert.Single(response.Messages).GetProperty("id").GetString());
        var requests = (await ServerStatsAsync(gateway, "toolhost")).GetProperty("requests");
        Assert.True(requests.GetProperty("failedRequests").GetInt64() >= 1, requests.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_call_slower_than_the_request_timeout_gets_the_timeout_error_and_a_caller_that_leaves_cancels_the_downstream_request(bool timesOut)
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var relay = await RecordingRelay.StartAsync(toolHost.McpUri);
        await using var gateway = await GatewayForAsync(relay.McpUri, extra: new Dictionary<string, string?>
        {
            ["Gateway:Servers:toolhost:RequestTimeout"] = timesOut ? "00:00:00.500" : "00:01:00",
        });
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        relay.ToolCallAnswer = async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        };

        if (timesOut)
        {
            var slow = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__echo", """{"message":"x"}"""));
            ErrorSays(slow, -32004, "MCP server 'toolhost' did not answer within 0.5 s");
        }
        else
        {
            using var leaving = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gateway.Http.SendAsync(Call2026(gateway.McpUri, "toolhost__echo", """{"message":"x"}"""), leaving.Token));
        }

        // Either way the gateway closed the downstream request (2026-07-28 cancels by closing), long before 30 s.
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Arguments_a_tool_mirrors_into_headers_get_those_headers_on_the_forwarded_request()
    {
        // A server on the SDK, which rejects a call of 'routed' without a matching Mcp-Param-Region header.
        await using var server = await KestrelApp.StartAsync(
            builder => builder.Services.AddMcpServer().WithHttpTransport(o => o.SessionMode = ModelContextProtocol.AspNetCore.HttpServerSessionMode.StatefulForInitializeClients).WithTools<RoutedTools>(),
            app => app.MapMcp("/mcp"));
        var serverMcp = new Uri(server.Address, "/mcp");
        using var direct = new HttpClient();
        var bare = await RawMcp.SendAsync(direct, Call2026(serverMcp, "routed", """{"region":"eu-west","query":"q"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        await using var gateway = await GatewayForAsync(serverMcp, "routing");

        var response = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "routing__routed", """{"region":"eu-west","query":"q"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("eu-west:q", Assert.Single(response.Messages).GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(1, await ForwardedAsync(gateway, "routing"));
    }

    [Fact]
    public async Task A_multi_round_trip_tool_asks_the_caller_through_the_gateway_and_finishes_on_the_retry()
    {
        await using var server = await KestrelApp.StartAsync(
            builder => builder.Services.AddMcpServer().WithHttpTransport(o => o.SessionMode = ModelContextProtocol.AspNetCore.HttpServerSessionMode.StatefulForInitializeClients).WithTools<AskingTools>(),
            app => app.MapMcp("/mcp"));
        await using var gateway = await GatewayForAsync(new Uri(server.Address, "/mcp"), "asker");

        var first = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "asker__ask", "{}"));

        var asked = Assert.Single(first.Messages).GetProperty("result");
        Assert.Equal("input_required", asked.GetProperty("resultType").GetString());
        Assert.Equal("elicitation/create", asked.GetProperty("inputRequests").GetProperty("name").GetProperty("method").GetString());
        var state = asked.GetProperty("requestState").GetString()!;

        // The caller answers and retries with the server's opaque state; any replica could take the retry.
        var answer = "\"name\":\"asker__ask\",\"arguments\":{},\"requestState\":" + JsonSerializer.Serialize(state)
            + ",\"inputResponses\":{\"name\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}}";
        var second = await RawMcp.SendAsync(gateway.Http, Request2026(gateway.McpUri, "tools/call", answer, "asker__ask"));

        var done = Assert.Single(second.Messages).GetProperty("result");
        Assert.Equal("Hello, Ada (state " + AskingTools.State + ")", done.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(2, await ForwardedAsync(gateway, "asker"));
    }

    [McpServerToolType]
    public sealed class AskingTools
    {
        public const string State = "asked-once";

        [McpServerTool(Name = "ask"), System.ComponentModel.Description("Asks the caller for a name (Multi Round-Trip), then greets it.")]
        public static string Ask(McpServer server, RequestContext<CallToolRequestParams> context)
        {
            ArgumentNullException.ThrowIfNull(server);
            ArgumentNullException.ThrowIfNull(context);
            if (context.Params?.RequestState is { } state && context.Params.InputResponses?.TryGetValue("name", out var response) == true)
            {
                return $"Hello, {response.RawValue.GetProperty("content").GetProperty("name").GetString()} (state {state})";
            }
            if (!server.IsMrtrSupported)
            {
                return "Multi Round-Trip is not supported here.";
            }
            throw new InputRequiredException(
                new Dictionary<string, InputRequest>
                {
                    ["name"] = InputRequest.ForElicitation(new ElicitRequestParams
                    {
                        Message = "Your name?",
                        RequestedSchema = new ElicitRequestParams.RequestSchema
                        {
                            Properties = { ["name"] = new ElicitRequestParams.StringSchema { Description = "Your name" } },
                            Required = ["name"],
                        },
                    }),
                },
                State);
        }
    }

    [McpServerToolType]
    public sealed class RoutedTools
    {
        [McpServerTool(Name = "routed"), System.ComponentModel.Description("Mirrors its region argument into Mcp-Param-Region (SEP-2243).")]
        public static string Routed([McpHeader("Region")] string region, string query) => $"{region}:{query}";
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_server_that_does_not_take_2026_requests_or_never_answers_the_probe_keeps_every_call_on_the_session(bool hangs)
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var relay = await RecordingRelay.StartAsync(toolHost.McpUri);
        relay.RefuseRevision2026 = !hangs;
        relay.HangRevision2026 = hangs;
        await using var gateway = await GatewayForAsync(relay.McpUri);

        var response = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__echo", """{"message":"via session"}"""));

        BodyContains(response, "via session");
        Assert.False((await ServerStatsAsync(gateway, "toolhost")).GetProperty("statelessForwarding").GetBoolean());
        Assert.Equal(0, await ForwardedAsync(gateway, "toolhost"));
        Assert.Empty(relay.ToolCalls);
    }

    [Fact]
    public async Task Stateless_forwarding_can_be_turned_off_per_server()
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        await using var gateway = await GatewayForAsync(toolHost.McpUri, extra: new Dictionary<string, string?>
        {
            ["Gateway:Servers:toolhost:StatelessForwarding"] = "false",
        });

        var response = await RawMcp.SendAsync(gateway.Http, Call2026(gateway.McpUri, "toolhost__echo", """{"message":"off"}"""));

        BodyContains(response, "off");
        Assert.Equal(0, await ForwardedAsync(gateway, "toolhost"));
    }

    /// <summary>
    /// A pass-through HTTP relay in front of the real tool host that records the 2026-07-28 tool calls it sees and can
    /// answer them itself (a delay, a non-MCP status) or refuse the 2026-07-28 revision altogether.
    /// </summary>
    private sealed class RecordingRelay : IAsyncDisposable
    {
        private static readonly HashSet<string> s_hopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Content-Length", "Keep-Alive" };
        private readonly KestrelApp _app;
        private readonly HttpClient _http = new(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        private readonly Uri _target;

        private RecordingRelay(KestrelApp app, Uri target)
        {
            _app = app;
            _target = target;
        }

        public Uri McpUri => new(_app.Address, "/mcp");

        public ConcurrentQueue<(Dictionary<string, string> Headers, string Body)> ToolCalls { get; } = new();

        public Func<HttpContext, Task>? ToolCallAnswer { get; set; }

            public bool RefuseRevision2026 { get; set; }

        public bool HangRevision2026 { get; set; }

        public static async Task<RecordingRelay> StartAsync(Uri target)
        {
            RecordingRelay? relay = null;
            var app = await KestrelApp.StartAsync(null, app => app.Run(context => relay!.HandleAsync(context)));
            relay = new RecordingRelay(app, target);
            return relay;
        }

        private async Task HandleAsync(HttpContext context)
        {
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
            var is2026 = context.Request.Headers["MCP-Protocol-Version"] == "2026-07-28";
            if (is2026 && HangRevision2026)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
            }
            if (is2026 && RefuseRevision2026)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"Unsupported protocol version"}}""");
                return;
            }
            if (is2026 && context.Request.Headers["Mcp-Method"] == "tools/call")
            {
                ToolCalls.Enqueue((context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
                if (ToolCallAnswer is { } answer)
                {
                    await answer(context);
                    return;
                }
            }
            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_target, context.Request.Path + context.Request.QueryString));
            if (body.Length > 0 || context.Request.ContentType is not null)
            {
                forward.Content = new StringContent(body, Encoding.UTF8);
                forward.Content.Headers.Remove("Content-Type");
            }
            foreach (var (name, value) in context.Request.Headers)
            {
                if (s_hopHeaders.Contains(name))
                {
                    continue;
                }
                if (!forward.Headers.TryAddWithoutValidation(name, value.ToArray()))
                {
                    forward.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
                }
            }
            using var response = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!s_hopHeaders.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }
            await using var stream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.DisposeAsync();
        }
    }
}
