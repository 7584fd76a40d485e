using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpAspire.Dashboard.Otlp.Proto.Logs.V1;
using McpAspire.Dashboard.Tests.Infrastructure;
using McpAspire.TestSupport;

namespace McpAspire.Dashboard.Tests;

/// <summary>The dashboard's own MCP endpoint: protocol answers, bad input, and a real TypeScript SDK client.</summary>
public sealed class McpEndpointTests : IAsyncLifetime
{
    private DashboardServer _dashboard = null!;
    private FakeResourceService _resources = null!;
    private HttpClient _client = null!;
    private string _traceId = "";

    public async Task InitializeAsync()
    {
        _resources = await FakeResourceService.StartAsync(new FakeResource { Name = "toolhost", Url = "http://127.0.0.1:5000" });
        _resources.AppendLog("toolhost", "tool host listening");
        _resources.AppendLog("toolhost", "warning: slow start", "stderr");
        _dashboard = await DashboardServer.StartAsync(new Dictionary<string, string?>
        {
            ["ResourceService:Url"] = _resources.Address.ToString(),
            ["ResourceService:ApiKey"] = FakeResourceService.ApiKey,
        });
        _client = new HttpClient { BaseAddress = _dashboard.Address };
        var (traceId, gateway, toolHost) = OtlpRequests.ToolCallTrace("echo", error: true);
        _traceId = traceId;
        (await OtlpRequests.PostAsync(_client, "/v1/traces", gateway)).EnsureSuccessStatusCode();
        (await OtlpRequests.PostAsync(_client, "/v1/traces", toolHost)).EnsureSuccessStatusCode();
        (await OtlpRequests.PostAsync(_client, "/v1/logs", OtlpRequests.Logs("toolhost", (SeverityNumber.Error, "echo failed"), (SeverityNumber.Info, "fine")))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _dashboard.DisposeAsync();
        await _resources.DisposeAsync();
    }

    [Fact]
    public async Task Initialize_ping_and_tools_list_follow_the_2025_revisions()
    {
        using var init = await Rpc("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        Assert.Equal("2025-06-18", init.RootElement.GetProperty("result").GetProperty("protocolVersion").GetString());
        Assert.True(init.RootElement.GetProperty("result").GetProperty("capabilities").TryGetProperty("tools", out _));
        using var future = await Rpc("""{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"protocolVersion":"2099-01-01"}}""");
        Assert.Equal("2025-11-25", future.RootElement.GetProperty("result").GetProperty("protocolVersion").GetString());
        Assert.Equal("a", future.RootElement.GetProperty("id").GetString());

        using var ping = await Rpc("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        Assert.Equal(JsonValueKind.Object, ping.RootElement.GetProperty("result").ValueKind);

        using var list = await Rpc("""{"jsonrpc":"2.0","id":3,"method":"tools/list"}""");
        var names = list.RootElement.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["list_resources", "list_console_logs", "list_structured_logs", "list_traces", "get_trace"], names);

        using var notification = await Send("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        Assert.Equal(HttpStatusCode.Accepted, notification.StatusCode);
    }

    [Fact]
    public async Task Get_trace_returns_every_span_attribute_including_mcp_ones()
    {
        using var result = await Rpc("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_trace","arguments":{"traceId":""" + "\"" + _traceId + "\"}}}");
        var call = result.RootElement.GetProperty("result");
        Assert.False(call.GetProperty("isError").GetBoolean());
        using var trace = JsonDocument.Parse(call.GetProperty("content")[0].GetProperty("text").GetString()!);
        var spans = trace.RootElement.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(3, spans.Count);
        Assert.Equal(["gateway", "toolhost"], trace.RootElement.GetProperty("trace").GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        var toolSpan = spans.Single(s => s.GetProperty("resource").GetString() == "toolhost");
        Assert.Equal("Error", toolSpan.GetProperty("status").GetString());
        var attributes = toolSpan.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetString());
        Assert.Equal("tools/call", attributes["mcp.method.name"]);
        Assert.Equal("echo", attributes["gen_ai.tool.name"]);

        using var missing = await Rpc("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_trace","arguments":{"traceId":"00000000000000000000000000000000"}}}""");
        Assert.True(missing.RootElement.GetProperty("result").GetProperty("isError").GetBoolean());
    }

    [Theory]
    [InlineData("{oops", 400, -32700)]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", 400, -32600)]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"ping"}""", 400, -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}""", 400, -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1}""", 400, -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"resources/list"}""", 200, -32601)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope"}}""", 200, -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}""", 200, -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_traces","arguments":{"limit":"ten"}}}""", 200, -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_console_logs","arguments":{}}}""", 200, -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_structured_logs","arguments":{"level":"Loud"}}}""", 200, -32602)]
    public async Task Bad_requests_get_json_rpc_errors(string body, int status, int code)
    {
        using var response = await Send(body);
        Assert.Equal(status, (int)response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, error.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task An_oversized_request_is_413_with_a_json_rpc_error()
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}";
        using var response = await Send(body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(-32600, error.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Get_wrong_content_type_foreign_origin_and_unknown_protocol_version_are_refused()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/mcp", UriKind.Relative));
        get.Headers.Add("x-mcp-api-key", _dashboard.Token);
        using (var response = await _client.SendAsync(get))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }
        using (var response = await Send("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", contentType: "text/plain"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }
        using (var response = await Send("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", origin: "http://evil.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using (var response = await Send("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", protocolVersion: "1999-01-01"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_official_typescript_sdk_client_lists_and_calls_the_tools()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "node", "mcp-client.mjs");
        var sdk = Path.GetDirectoryName(NodePeers.PackageFile("@modelcontextprotocol/sdk", "package.json"))!;
        var start = new ProcessStartInfo(NodePeers.NodeExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, sdk, new Uri(_dashboard.Address, "/mcp").ToString(), _dashboard.Token })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The SDK client did not finish; stderr: {await stderr}");
        }
        Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {await stderr}");
        using var seen = JsonDocument.Parse(await stdout);
        var root = seen.RootElement;
        Assert.Equal("mcpaspire-dashboard", root.GetProperty("server").GetProperty("name").GetString());
        Assert.Contains("get_trace", root.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(_traceId, root.GetProperty("traces").GetString(), StringComparison.Ordinal);
        Assert.Contains("echo failed", root.GetProperty("logs").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"fine\"", root.GetProperty("logs").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"toolhost\"", root.GetProperty("resources").GetString(), StringComparison.Ordinal);
        Assert.Contains("tool host listening", root.GetProperty("consoleLogs").GetString(), StringComparison.Ordinal);
        Assert.Contains("[stderr] warning: slow start", root.GetProperty("consoleLogs").GetString(), StringComparison.Ordinal);
        Assert.Contains("Loud", root.GetProperty("badArgs").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonDocument> Rpc(string body)
    {
        using var response = await Send(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> Send(string body, string contentType = "application/json", string? origin = null, string? protocolVersion = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/mcp", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        request.Headers.Add("x-mcp-api-key", _dashboard.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (protocolVersion is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", protocolVersion);
        }
        return await _client.SendAsync(request);
    }
}
