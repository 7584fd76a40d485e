using McpAspire.TestSupport;
using McpAspire.TestSupport.HostileInput;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace McpAspire.Gateway.Tests;

/// <summary>
/// The hostile-input corpus against every endpoint the gateway maps (MCP in both eras and legacy SSE, stats, health,
/// metadata), with a live downstream behind it: never a 5xx, never a hang, and tool calls still work afterwards.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const string ApiKey = "mcpk_hostile-corpus-key-0123456789";

    [Theory]
    [InlineData("anonymous allowed")]
    [InlineData("API key required, none sent")]
    [InlineData("API key required and sent")]
    public async Task Every_endpoint_survives_the_hostile_corpus(string mode)
    {
        await using var toolHost = await RunningApp.ToolHostAsync();
        var auth = mode == "anonymous allowed"
            ? new Dictionary<string, string?> { ["Gateway:Auth:AllowAnonymous"] = "true" }
            : new Dictionary<string, string?>
            {
                ["Gateway:Auth:ApiKeys:0:Name"] = "corpus",
                ["Gateway:Auth:ApiKeys:0:Hash"] = McpAspire.Gateway.Security.ApiKeyHasher.Hash(ApiKey),
                ["Gateway:Auth:ApiKeys:0:Scopes:0"] = "mcp:admin",
            };
        await using var gateway = await RunningApp.GatewayAsync(Downstreams.Merge(Downstreams.Http("toolhost", toolHost.McpUri), auth));
        using var admin = new HttpClient { BaseAddress = gateway.BaseAddress };
        var keyed = mode != "anonymous allowed";
        if (keyed)
        {
            admin.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", ApiKey);
        }
        await Eventually.HoldsAsync(async () => (await admin.GetStringAsync(new Uri("stats", UriKind.Relative))).Contains("\"connected\"", StringComparison.Ordinal), "the tool host connected");
        var sendKey = mode == "API key required and sent";
        var probe = new HostileEndpointProbe
        {
            Authorize = sendKey ? r => r.Headers.TryAddWithoutValidation("X-Api-Key", ApiKey) : null,
            RawAuthorizationHeaders = sendKey ? $"X-Api-Key: {ApiKey}\r\n" : string.Empty,
        };

        var report = await probe.RunAsync(gateway.App, gateway.BaseAddress);

        output.WriteLine(report.Summary);
        Assert.Contains(report.Endpoints, e => e.Pattern == "/mcp");
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(40)));
        Assert.Contains(report.Endpoints, e => e.Pattern == "/.well-known/oauth-protected-resource");
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = gateway.McpUri,
            AdditionalHeaders = keyed ? new Dictionary<string, string> { ["X-Api-Key"] = ApiKey } : null,
        }));
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still here" });
        Assert.Equal("still here", Assert.IsType<TextContentBlock>(Assert.Single(echo.Content)).Text);
    }
}
