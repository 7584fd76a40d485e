using McpAspire.Gateway.Catalog;
using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.Downstream;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Tests;

/// <summary>Unit tests of the merge rules, the backoff and the configuration readers.</summary>
public sealed class CatalogAndConfigurationTests
{
    private static ServerCatalog Server(string name, string[] tools, string[]? prompts = null, string[]? allow = null, string[]? deny = null, string? prefix = null) =>
        new(name, prefix ?? name, new DownstreamCatalog(
            tools.Select(t => new Tool { Name = t }).ToList(),
            (prompts ?? []).Select(p => new Prompt { Name = p }).ToList(), [], [], DateTimeOffset.UtcNow), allow ?? [], deny ?? []);

    [Fact]
    public void On_conflict_prefixes_only_colliding_names_of_every_server_involved()
    {
        var snapshot = CatalogBuilder.Build(1, [Server("b", ["echo", "search"]), Server("a", ["echo", "list"])], PrefixMode.OnConflict);
        Assert.Equal(["a__echo", "list", "b__echo", "search"], snapshot.Tools.Select(t => t.Name));
        Assert.Equal(new Route("b", "echo"), snapshot.ToolRoutes["b__echo"]);
        Assert.Equal(new Route("a", "list"), snapshot.ToolRoutes["list"]);
    }

    [Fact]
    public void A_server_added_later_never_renames_a_name_clients_were_served()
    {
        var memory = new ExposedNameMemory();
        var first = CatalogBuilder.Build(1, [Server("toolhost", ["echo", "add"], ["greet"])], PrefixMode.OnConflict, memory: memory).MarkServed();
        memory.Remember(first);
        var collisions = new List<NameCollision>();

        var second = CatalogBuilder.Build(2, [Server("toolhost", ["echo", "add"], ["greet"]), Server("everything", ["echo", "sum"], ["greet"])], PrefixMode.OnConflict,
            memory: memory, collisions: collisions);

        Assert.Equal(new Route("toolhost", "echo"), second.ToolRoutes["echo"]);
        Assert.Equal(new Route("everything", "echo"), second.ToolRoutes["everything__echo"]);
        Assert.False(second.ToolRoutes.ContainsKey("toolhost__echo"));
        Assert.Equal(new Route("toolhost", "greet"), second.PromptRoutes["greet"]);
        Assert.Equal(new Route("everything", "greet"), second.PromptRoutes["everything__greet"]);
        Assert.Contains(new NameCollision(ExposedNameMemory.Tool, "everything", "echo", "everything__echo", "toolhost"), collisions);
        Assert.Contains(new NameCollision(ExposedNameMemory.Prompt, "everything", "greet", "everything__greet", "toolhost"), collisions);
        Assert.Equal(2, collisions.Count);
    }

    [Fact]
    public void A_served_name_stays_reserved_while_its_server_is_away_and_comes_back_with_it()
    {
        var memory = new ExposedNameMemory();
        memory.Remember(CatalogBuilder.Build(1, [Server("a", ["echo"])], PrefixMode.OnConflict, memory: memory));

        // a is down; b brings echo meanwhile: b is the newcomer and is prefixed, echo waits for a.
        var away = CatalogBuilder.Build(2, [Server("b", ["echo"])], PrefixMode.OnConflict, unavailable: [Server("a", ["echo"])], memory: memory);
        Assert.Equal(["b__echo"], away.Tools.Select(t => t.Name));
        Assert.Equal("a", away.UnavailableToolRoutes["echo"]);
        memory.Remember(away);

        var back = CatalogBuilder.Build(3, [Server("b", ["echo"]), Server("a", ["echo"])], PrefixMode.OnConflict, memory: memory);
        Assert.Equal(new Route("a", "echo"), back.ToolRoutes["echo"]);
        Assert.Equal(new Route("b", "echo"), back.ToolRoutes["b__echo"]);
    }

    [Fact]
    public void Never_mode_hides_the_newcomer_not_the_incumbent()
    {
        var memory = new ExposedNameMemory();
        memory.Remember(CatalogBuilder.Build(1, [Server("zeta", ["echo"])], PrefixMode.Never, memory: memory));
        var collisions = new List<NameCollision>();
        var snapshot = CatalogBuilder.Build(2, [Server("zeta", ["echo"]), Server("alpha", ["echo"])], PrefixMode.Never, memory: memory, collisions: collisions);
        Assert.Equal("zeta", snapshot.ToolRoutes["echo"].Server);
        Assert.Equal([new NameCollision(ExposedNameMemory.Tool, "alpha", "echo", null, "zeta")], collisions);
    }

    [Fact]
    public void Boolean_property_schemas_of_a_downstream_become_object_schemas_every_client_accepts()
    {
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"any":true,"none":false,"n":{"type":"number"}},"required":["n"]}""").RootElement;
        var tool = new Tool { Name = "t", InputSchema = schema, OutputSchema = schema };
        var catalog = new ServerCatalog("s", "s", new DownstreamCatalog([tool], [], [], [], DateTimeOffset.UtcNow), [], []);

        var exposed = Assert.Single(CatalogBuilder.Build(1, [catalog], PrefixMode.OnConflict).Tools);

        foreach (var s in new[] { exposed.InputSchema, exposed.OutputSchema!.Value })
        {
            Assert.Equal("""{"type":"object","properties":{"any":{},"none":{"not":{}},"n":{"type":"number"}},"required":["n"]}""", s.GetRawText());
        }
        Assert.Equal(System.Text.Json.JsonValueKind.True, tool.InputSchema.GetProperty("properties").GetProperty("any").ValueKind);
    }

    [Fact]
    public void Always_prefixes_everything_with_the_configured_prefix()
    {
        var snapshot = CatalogBuilder.Build(1, [Server("github", ["search"], ["review"], prefix: "gh")], PrefixMode.Always);
        Assert.Equal(["gh__search"], snapshot.Tools.Select(t => t.Name));
        Assert.Equal(["gh__review"], snapshot.Prompts.Select(p => p.Name));
        Assert.Equal(new Route("github", "review"), snapshot.PromptRoutes["gh__review"]);
    }

    [Fact]
    public void Never_keeps_names_and_the_first_server_wins_a_collision()
    {
        var hidden = new List<string>();
        var snapshot = CatalogBuilder.Build(1, [Server("zeta", ["echo"]), Server("alpha", ["echo"])], PrefixMode.Never, hidden);
        Assert.Equal(["echo"], snapshot.Tools.Select(t => t.Name));
        Assert.Equal("alpha", snapshot.ToolRoutes["echo"].Server);
        Assert.Single(hidden);
    }

    [Fact]
    public void Allow_and_deny_filters_use_wildcards()
    {
        var snapshot = CatalogBuilder.Build(1, [Server("fs", ["read_file", "read_dir", "write_file", "delete"], allow: ["read_*", "write_file"], deny: ["*_dir"])], PrefixMode.Never);
        Assert.Equal(["read_file", "write_file"], snapshot.Tools.Select(t => t.Name));
    }

    [Theory]
    [InlineData("plain_name-1", "plain_name-1")]
    [InlineData("dotted.name", "dotted_name")]
    [InlineData("spaces and/slash", "spaces_and_slash")]
    [InlineData("", "_")]
    public void Exposed_names_always_match_the_allowed_pattern(string name, string expected)
    {
        Assert.Equal(expected, ExposedNames.Sanitize(name));
        Assert.Matches(ExposedNames.Pattern(), ExposedNames.Sanitize(name));
    }

    [Fact]
    public void Long_names_are_shortened_stably_and_stay_distinct()
    {
        var a = new string('x', 80) + "a";
        var b = new string('x', 80) + "b";
        Assert.Equal(64, ExposedNames.Sanitize(a).Length);
        Assert.NotEqual(ExposedNames.Sanitize(a), ExposedNames.Sanitize(b));
        Assert.Equal(ExposedNames.Sanitize(a), ExposedNames.Sanitize(a));
        var snapshot = CatalogBuilder.Build(1, [Server("s", [a, b])], PrefixMode.Always);
        Assert.All(snapshot.Tools, t => Assert.Matches(ExposedNames.Pattern(), t.Name));
        Assert.Equal(2, snapshot.ToolRoutes.Count);
    }

    [Fact]
    public void Tools_of_an_unavailable_server_are_remembered_for_clear_errors()
    {
        var snapshot = CatalogBuilder.Build(1, [Server("up", ["ok"])], PrefixMode.OnConflict, unavailable: [Server("down", ["gone", "ok"])]);
        Assert.Equal("down", snapshot.UnavailableToolRoutes["gone"]);
        Assert.Equal("down", snapshot.UnavailableToolRoutes["down__gone"]);
        Assert.False(snapshot.UnavailableToolRoutes.ContainsKey("ok"));
    }

    [Theory]
    [InlineData("file:///{path}", "file:///a/b/c", false)]
    [InlineData("file:///{+path}", "file:///a/b/c", true)]
    [InlineData("demo://item/{id}", "demo://item/42", true)]
    [InlineData("demo://item/{id}", "demo://other/42", false)]
    public void Resource_templates_match_uris(string template, string uri, bool matches) =>
        Assert.Equal(matches, CatalogBuilder.TemplateMatcher(template).IsMatch(uri));

    [Fact]
    public void Backoff_doubles_from_the_base_stays_under_the_cap_and_is_jittered()
    {
        var random = new Random(7);
        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var raw = Math.Min(100 * Math.Pow(2, attempt - 1), 5000);
            var delay = ReconnectBackoff.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), random).TotalMilliseconds;
            Assert.InRange(delay, raw / 2, raw);
        }
        var samples = Enumerable.Range(0, 20).Select(_ => ReconnectBackoff.Delay(3, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), random)).Distinct().Count();
        Assert.True(samples > 1, "jitter varies the delay");
    }

    [Fact]
    public void Mcp_servers_file_reads_the_format_ide_assistants_use()
    {
        var servers = McpServersFile.Parse("""
            {
              "mcpServers": {
                "github": { "url": "https://api.example.com/mcp", "headers": { "Authorization": "Bearer x" } },
                "fs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": { "A": "1" }, "disabled": true },
                "legacy": { "type": "sse", "url": "http://localhost:3001/sse", "prefix": "old", "denyTools": ["rm*"], "requestTimeout": 5 },
              }
            }
            """, "test.json");
        Assert.Equal(DownstreamTransport.Http, servers["github"].EffectiveTransport);
        Assert.Equal("Bearer x", servers["github"].Headers["authorization"]);
        Assert.Equal(DownstreamTransport.Stdio, servers["fs"].EffectiveTransport);
        Assert.False(servers["fs"].Enabled);
        Assert.Equal(["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], servers["fs"].Args);
        Assert.Equal(DownstreamTransport.Sse, servers["legacy"].EffectiveTransport);
        Assert.Equal(TimeSpan.FromSeconds(5), servers["legacy"].RequestTimeout);
        Assert.Equal(["rm*"], servers["legacy"].DenyTools);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "\"mcpServers\"")]
    [InlineData("{\"mcpServers\": {\"x\": 5}}", "mcpServers.x: expected an object")]
    [InlineData("{\"mcpServers\": {\"x\": {\"args\": \"one\"}}}", "mcpServers.x.args: expected an array of strings")]
    [InlineData("{\"mcpServers\": {\"x\": {\"type\": \"websocket\"}}}", "'websocket' is not one of")]
    [InlineData("{\"mcpServers\": {\"x\": {\"requestTimeout\": -1}}}", "requestTimeout: expected a number of seconds")]
    public void Bad_servers_files_are_rejected_naming_the_place(string json, string expected)
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => McpServersFile.Parse(json, "my.json"));
        Assert.Contains("my.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_names_each_wrong_setting()
    {
        var errors = DownstreamServerValidator.Validate("bad name", new DownstreamServerOptions { Url = "ftp://x", ConnectionTimeout = TimeSpan.Zero, MaxReconnectAttempts = -1 }, "Gateway:Servers:bad name");
        Assert.Contains(errors, e => e.Contains("server name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":Url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":ConnectionTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":MaxReconnectAttempts", StringComparison.Ordinal));
        Assert.Contains(DownstreamServerValidator.Validate("stdio", new DownstreamServerOptions { Transport = DownstreamTransport.Stdio }, "x"), e => e.Contains("Command is required", StringComparison.Ordinal));
        Assert.Empty(DownstreamServerValidator.Validate("ok", new DownstreamServerOptions { Url = "https+http://toolhost/mcp" }, "x"));
    }

    [Fact]
    public async Task A_gateway_with_invalid_configuration_refuses_to_start_with_the_reason()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RunningApp.GatewayAsync(new Dictionary<string, string?> { ["Gateway:Servers:x:Url"] = "not a url" }));
        Assert.Contains("Gateway:Servers:x:Url", error.ToString(), StringComparison.Ordinal);
    }
}
