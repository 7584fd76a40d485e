using System.Net;
using McpAspire.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Tests;

/// <summary>
/// The tool host's tools, prompts and resources are built once and shared by every server the SDK creates (one per
/// stateless request): the options factory hands each new server the same collections, the container no longer holds
/// the primitives the SDK would copy per request, and both eras still list and call them.
/// </summary>
public sealed class SharedPrimitivesTests
{
    [Fact]
    public async Task Every_server_gets_the_same_collections_and_both_eras_still_see_every_primitive()
    {
        await using var server = await ToolHostServer.StartAsync(new Dictionary<string, string?> { ["ToolHost:Profile"] = "conformance" });
        var services = server.App.Services;
        var factory = services.GetRequiredService<IOptionsFactory<McpServerOptions>>();
        var first = factory.Create(Options.DefaultName);
        var second = factory.Create(Options.DefaultName);
        var sessions = services.GetRequiredService<IOptions<McpServerOptions>>().Value;

        Assert.NotNull(first.ToolCollection);
        Assert.Same(first.ToolCollection, second.ToolCollection);
        Assert.Same(sessions.ToolCollection, first.ToolCollection);
        Assert.Same(first.PromptCollection, second.PromptCollection);
        Assert.Same(first.ResourceCollection, second.ResourceCollection);
        Assert.True(first.ToolCollection.TryGetPrimitive("echo", out _), "echo is in the shared tools");
        Assert.NotEmpty(first.PromptCollection!);
        Assert.NotEmpty(first.ResourceCollection!);
        Assert.Empty(services.GetServices<McpServerTool>());
        Assert.Empty(services.GetServices<McpServerPrompt>());
        Assert.Empty(services.GetServices<McpServerResource>());

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var session = await RawMcp.InitializeAsync(http, server.McpUri);
        var listed = await RawMcp.SendAsync(http, RawMcp.Post(server.McpUri, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session));
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal(first.ToolCollection.Count, listed.Messages.Single().GetProperty("result").GetProperty("tools").GetArrayLength());

        var call = RawMcp.Post(server.McpUri, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"shared\"},"
            + RawMcp.Meta2026 + "}}");
        call.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2026-07-28");
        call.Headers.TryAddWithoutValidation("Mcp-Method", "tools/call");
        call.Headers.TryAddWithoutValidation("Mcp-Name", "echo");
        var called = await RawMcp.SendAsync(http, call);
        Assert.Equal(HttpStatusCode.OK, called.Status);
        Assert.Contains("shared", called.Body, StringComparison.Ordinal);
    }
}
