using System.Net;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests.Security;

/// <summary>
/// 2025-era sessions belong to the principal that created them; the client's credentials stay at the gateway; a real
/// TypeScript SDK client connects with a bearer token and discovers the resource metadata.
/// </summary>
[Collection(AuthGatewayCollection.Name)]
public sealed class SessionBindingTests(AuthGatewayFixture fixture)
{
    private const string ListTools = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    [Fact]
    public async Task Another_principals_session_is_not_found_on_post_get_and_delete()
    {
        using var http = fixture.Anonymous();
        var alice = fixture.UserToken("alice");
        var mcp = fixture.Gateway.McpUri;
        using var init = AuthGatewayFixture.WithBearer(RawMcp.Post(mcp, RawMcp.InitializeBody), alice);
        var created = await RawMcp.SendAsync(http, init);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var sessionId = created.SessionId!;
        using (var initialized = AuthGatewayFixture.WithBearer(RawMcp.Post(mcp, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId), alice))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await RawMcp.SendAsync(http, initialized)).Status);
        }

        // What a session id that never existed gets: the reference answer.
        using var missingRequest = AuthGatewayFixture.WithBearer(RawMcp.Post(mcp, ListTools, "never-existed-session"), alice);
        var missing = await RawMcp.SendAsync(http, missingRequest);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);

        var intruders = new Action<HttpRequestMessage>[]
        {
            r => AuthGatewayFixture.WithBearer(r, fixture.UserToken("mallory")),
            r => r.Headers.Add("X-Api-Key", AuthGatewayFixture.CiKey),
        };
        foreach (var intruder in intruders)
        {
            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Get, HttpMethod.Delete })
            {
                using var request = method == HttpMethod.Post ? RawMcp.Post(mcp, ListTools, sessionId) : new HttpRequestMessage(method, mcp);
                if (method != HttpMethod.Post)
                {
                    request.Headers.Add("Mcp-Session-Id", sessionId);
                    request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
                }
                intruder(request);
                var response = await RawMcp.SendAsync(http, request);
                Assert.True(response.Status == HttpStatusCode.NotFound, $"{method}: {response.Status} {response.Body}");
                var error = response.Messages.Single().GetProperty("error");
                Assert.Equal(missing.ErrorCode, error.GetProperty("code").GetInt32());
                Assert.Equal(missing.Messages.Single().GetProperty("error").GetProperty("message").GetString(), error.GetProperty("message").GetString());
            }
        }

        // The intruders changed nothing: the owner (with a fresh token for the same subject) still uses the session.
        using var ownRequest = AuthGatewayFixture.WithBearer(RawMcp.Post(mcp, ListTools, sessionId), fixture.UserToken("alice"));
        var own = await RawMcp.SendAsync(http, ownRequest);
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.True(own.Messages.Single().GetProperty("result").GetProperty("tools").GetArrayLength() > 0);
        using var delete = AuthGatewayFixture.WithBearer(new HttpRequestMessage(HttpMethod.Delete, mcp), alice);
        delete.Headers.Add("Mcp-Session-Id", sessionId);
        using var deleted = await http.SendAsync(delete);
        Assert.True(deleted.IsSuccessStatusCode, deleted.StatusCode.ToString());
    }

    [Fact]
    public async Task A_legacy_sse_session_takes_messages_only_from_the_principal_that_opened_it()
    {
        using var http = fixture.Anonymous();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var open = AuthGatewayFixture.WithBearer(new HttpRequestMessage(HttpMethod.Get, new Uri("sse", UriKind.Relative)), fixture.UserToken("alice"));
        open.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        using var stream = await http.SendAsync(open, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token));
        string? endpoint = null;
        while (endpoint is null && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("sessionId=", StringComparison.Ordinal))
            {
                endpoint = line["data:".Length..].Trim();
            }
        }
        Assert.NotNull(endpoint);
        var messageUri = new Uri(fixture.Gateway.BaseAddress, endpoint);

        async Task<HttpStatusCode> PostAs(Action<HttpRequestMessage> credential)
        {
            using var request = RawMcp.Post(messageUri, RawMcp.InitializeBody);
            credential(request);
            using var response = await http.SendAsync(request, cts.Token);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotFound, await PostAs(r => AuthGatewayFixture.WithBearer(r, fixture.UserToken("mallory"))));
        Assert.Equal(HttpStatusCode.NotFound, await PostAs(r => r.Headers.Add("X-Api-Key", AuthGatewayFixture.CiKey)));
        Assert.Equal(HttpStatusCode.Accepted, await PostAs(r => AuthGatewayFixture.WithBearer(r, fixture.UserToken("alice"))));
    }

    [Fact]
    public async Task The_downstream_sees_only_the_gateways_own_credential_never_the_clients()
    {
        var token = fixture.UserToken("alice");
        await using (var jwtClient = await fixture.ConnectAsync("2025-11-25", AuthGatewayFixture.Bearer(token)))
        {
            await jwtClient.CallToolAsync("toolhost__echo", new Dictionary<string, object?> { ["message"] = "jwt" });
        }
        await using (var keyClient = await fixture.ConnectAsync(null, new() { ["X-Api-Key"] = AuthGatewayFixture.CiKey }))
        {
            await keyClient.CallToolAsync("toolhost__echo", new Dictionary<string, object?> { ["message"] = "key" });
        }
        var seen = fixture.DownstreamCredentials.ToArray();
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.Equal("Authorization: " + AuthGatewayFixture.DownstreamCredential, s));
        Assert.DoesNotContain(seen, s => s.Contains(token, StringComparison.Ordinal) || s.Contains(AuthGatewayFixture.CiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TypeScript_sdk_client_connects_with_a_bearer_token_and_discovers_the_resource_metadata()
    {
        var script = Path.Combine(NodePeers.Directory, "clients", "gateway-auth-client.mjs");
        var result = await NodeProcess.RunAsync(
            [script, fixture.Gateway.McpUri.ToString(), fixture.UserToken("typescript-user"), "toolhost__echo", "{\"message\":\"from typescript with a token\"}"],
            TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        Assert.Equal(401, root.GetProperty("anonymousCode").GetInt32());
        Assert.Equal(401, root.GetProperty("unauthorizedStatus").GetInt32());
        Assert.Equal(new Uri(fixture.Gateway.BaseAddress, ".well-known/oauth-protected-resource/mcp").ToString(), root.GetProperty("metadataUrl").GetString());
        Assert.Equal(fixture.Gateway.McpUri.ToString(), root.GetProperty("metadataResource").GetString());
        Assert.Equal([fixture.Issuer.Issuer], root.GetProperty("authorizationServers").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("from typescript with a token", root.GetProperty("text").GetString(), StringComparison.Ordinal);
        var tools = root.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("toolhost__echo", tools);
        Assert.Contains("conf__test_simple_text", tools);
        Assert.DoesNotContain("conf__test_image_content", tools);
        Assert.False(root.GetProperty("isError").GetBoolean());
    }
}
