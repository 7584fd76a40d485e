using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.ToolHost.Tests;

/// <summary>The C# SDK client against the tool host in both eras, and profile validation.</summary>
public sealed class ToolHostClientTests
{
    [Theory]
    [InlineData(null, "2026-07-28")]
    [InlineData("2025-11-25", "2025-11-25")]
    [InlineData("2025-06-18", "2025-06-18")]
    public async Task Csharp_client_calls_echo(string? requested, string negotiated)
    {
        await using var server = await ToolHostServer.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var client = await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.McpUri, TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions { ProtocolVersion = requested }, cancellationToken: cts.Token);

        Assert.Equal(negotiated, client.NegotiatedProtocolVersion);
        Assert.Equal("mcpaspire-toolhost", client.ServerInfo?.Name);
        var tools = await client.ListToolsAsync(cancellationToken: cts.Token);
        var echo = Assert.Single(tools, t => t.Name == "echo");
        Assert.Equal(true, echo.ProtocolTool.Annotations?.ReadOnlyHint);
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "tool host" }, cancellationToken: cts.Token);
        Assert.Equal("tool host", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.NotEqual(true, result.IsError);
    }

    [Fact]
    public async Task Default_profile_has_no_conformance_fixtures_and_conformance_profile_adds_them()
    {
        await using var plain = await ToolHostServer.StartAsync();
        await using var conformance = await ToolHostServer.StartAsync(new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var plainClient = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = plain.McpUri }), cancellationToken: cts.Token);
        await using var conformanceClient = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = conformance.McpUri }), cancellationToken: cts.Token);

        Assert.DoesNotContain(await plainClient.ListToolsAsync(cancellationToken: cts.Token), t => t.Name.StartsWith("test_", StringComparison.Ordinal));
        var fixtures = (await conformanceClient.ListToolsAsync(cancellationToken: cts.Token)).Select(t => t.Name).ToList();
        Assert.Contains("test_simple_text", fixtures);
        Assert.Contains("json_schema_2020_12_tool", fixtures);
        Assert.Contains("echo", fixtures);
        var resource = await conformanceClient.ReadResourceAsync("test://template/42/data", cancellationToken: cts.Token);
        Assert.Contains("\"id\":\"42\"", Assert.IsType<TextResourceContents>(Assert.Single(resource.Contents)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_profile_fails_at_start_up_with_a_clear_message()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ToolHostServer.StartAsync(new Dictionary<string, string?> { ["ToolHost:Profile"] = "everything" }));
        Assert.Contains("ToolHost:Profile", ex.Message, StringComparison.Ordinal);
    }
}
