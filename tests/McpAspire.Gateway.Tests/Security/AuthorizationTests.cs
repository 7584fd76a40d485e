using McpAspire.Gateway.Front;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests.Security;

/// <summary>
/// Access rules per principal, role and scope, applied to tools, prompts, resources and templates alike, in lists and
/// in calls, for 2026-07-28 (stateless) and 2025-11-25 (session) clients. A denied item behaves like an unknown one.
/// </summary>
[Collection(AuthGatewayCollection.Name)]
public sealed class AuthorizationTests(AuthGatewayFixture fixture)
{
    private static readonly string[] s_mediaTools = ["conf__test_image_content", "conf__test_audio_content"];

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Rules_filter_tool_lists_and_denied_tools_fail_like_unknown_ones(string? protocolVersion)
    {
        await using var admin = await fixture.ConnectAsync(protocolVersion, new() { ["X-Api-Key"] = AuthGatewayFixture.AdminKey });
        await using var alice = await fixture.ConnectAsync(protocolVersion, AuthGatewayFixture.Bearer(fixture.UserToken("alice")));
        await using var bob = await fixture.ConnectAsync(protocolVersion, AuthGatewayFixture.Bearer(fixture.UserToken("bob", "media")));
        await using var ci = await fixture.ConnectAsync(protocolVersion, new() { ["X-Api-Key"] = AuthGatewayFixture.CiKey });

        var all = (await admin.ListToolsAsync()).Select(t => t.Name).ToHashSet();
        Assert.Contains("toolhost__echo", all);
        Assert.Contains("conf__test_simple_text", all);
        Assert.True(s_mediaTools.All(all.Contains), string.Join(", ", all));

        // alice (a JWT user): everything but image and audio tools. bob (role media): image tools too.
        // ci (an API key): nothing of conf.
        Assert.Equal(all.Except(s_mediaTools).Order(), (await alice.ListToolsAsync()).Select(t => t.Name).Order());
        Assert.Equal(all.Except(["conf__test_audio_content"]).Order(), (await bob.ListToolsAsync()).Select(t => t.Name).Order());
        Assert.Equal(all.Where(n => n.StartsWith("toolhost__", StringComparison.Ordinal)).Order(), (await ci.ListToolsAsync()).Select(t => t.Name).Order());

        var echo = await alice.CallToolAsync("toolhost__echo", new Dictionary<string, object?> { ["message"] = "allowed" });
        Assert.Contains("allowed", string.Join("", echo.Content.OfType<TextContentBlock>().Select(c => c.Text)), StringComparison.Ordinal);
        Assert.NotEqual(true, (await alice.CallToolAsync("conf__test_simple_text")).IsError);
        Assert.NotEqual(true, (await bob.CallToolAsync("conf__test_image_content")).IsError);
        Assert.NotEqual(true, (await admin.CallToolAsync("conf__test_audio_content")).IsError);

        var unknown = await Assert.ThrowsAsync<McpProtocolException>(() => alice.CallToolAsync("conf__no_such_tool").AsTask());
        foreach (var (client, denied) in new[] { (alice, "conf__test_image_content"), (bob, "conf__test_audio_content"), (ci, "conf__test_simple_text") })
        {
            var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync(denied).AsTask());
            Assert.Equal(unknown.ErrorCode, error.ErrorCode);
            Assert.Equal(unknown.Message.Replace("conf__no_such_tool", denied, StringComparison.Ordinal), error.Message);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Rules_apply_to_prompts_resources_and_templates(string? protocolVersion)
    {
        await using var admin = await fixture.ConnectAsync(protocolVersion, new() { ["X-Api-Key"] = AuthGatewayFixture.AdminKey });
        await using var alice = await fixture.ConnectAsync(protocolVersion, AuthGatewayFixture.Bearer(fixture.UserToken("alice")));
        await using var ci = await fixture.ConnectAsync(protocolVersion, new() { ["X-Api-Key"] = AuthGatewayFixture.CiKey });

        var allPrompts = (await admin.ListPromptsAsync()).Select(p => p.Name).ToList();
        Assert.Contains("conf__test_prompt_with_image", allPrompts);
        Assert.Equal(allPrompts.Except(["conf__test_prompt_with_image"]).Order(), (await alice.ListPromptsAsync()).Select(p => p.Name).Order());
        Assert.DoesNotContain((await ci.ListPromptsAsync()).Select(p => p.Name), p => p.StartsWith("conf__", StringComparison.Ordinal));
        var unknownPrompt = await Assert.ThrowsAsync<McpProtocolException>(() => alice.GetPromptAsync("conf__no_such_prompt").AsTask());
        var deniedPrompt = await Assert.ThrowsAsync<McpProtocolException>(() => alice.GetPromptAsync("conf__test_prompt_with_image").AsTask());
        Assert.Equal(unknownPrompt.ErrorCode, deniedPrompt.ErrorCode);
        Assert.Equal(unknownPrompt.Message.Replace("conf__no_such_prompt", "conf__test_prompt_with_image", StringComparison.Ordinal), deniedPrompt.Message);
        Assert.NotEmpty((await alice.GetPromptAsync("conf__test_simple_prompt")).Messages);

        var allTemplates = (await admin.ListResourceTemplatesAsync()).Select(t => t.UriTemplate).ToList();
        Assert.Contains("test://template/{id}/data", allTemplates);
        Assert.Equal(allTemplates.Except(["test://template/{id}/data"]).Order(), (await alice.ListResourceTemplatesAsync()).Select(t => t.UriTemplate).Order());

        var allResources = (await admin.ListResourcesAsync()).Select(r => r.Uri).ToList();
        Assert.Contains("test://static-binary", allResources);
        Assert.Equal(allResources.Except(["test://static-binary"]).Order(), (await alice.ListResourcesAsync()).Select(r => r.Uri).Order());
        Assert.DoesNotContain((await ci.ListResourcesAsync()).Select(r => r.Uri), r => r.StartsWith("test://", StringComparison.Ordinal));
        Assert.NotEmpty((await alice.ReadResourceAsync("test://static-text")).Contents);
        Assert.NotEmpty((await admin.ReadResourceAsync("test://template/7/data")).Contents);

        var unknownResource = await Assert.ThrowsAsync<McpProtocolException>(() => alice.ReadResourceAsync("nothing://here").AsTask());
        foreach (var (client, denied) in new[] { (alice, "test://static-binary"), (alice, "test://template/7/data"), (ci, "test://static-text") })
        {
            var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync(denied).AsTask());
            Assert.Equal(unknownResource.ErrorCode, error.ErrorCode);
            Assert.Equal(unknownResource.Message.Replace("nothing://here", denied, StringComparison.Ordinal), error.Message);
        }
    }

    [Fact]
    public void Lists_that_differ_per_principal_are_not_marked_publicly_cacheable()
    {
        var endpoint = fixture.Gateway.App.Services.GetRequiredService<IOptions<ListResultCachingOptions>>().Value;
        Assert.False(endpoint.ListResultsArePublic);
    }
}
