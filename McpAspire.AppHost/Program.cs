// The McpAspire topology. Redis holds all state; the state service owns the mcp:* keyspace; the tool host is the MCP
// server core; the gateway (two stateless replicas behind one stable front port) is what IDE assistants connect to.
var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");
// The key the state service and tool host demand of their callers (generated per run, a secret parameter when published).
var serviceKey = builder.AddServiceKey();

var stateService = builder.AddProject<Projects.McpAspire_StateService>("statesvc")
    .WithServiceKey(serviceKey)
    .WithReference(redis)
    .WaitFor(redis);

var toolHost = builder.AddProject<Projects.McpAspire_ToolHost>("toolhost")
    .WithServiceKey(serviceKey)
    .WithReference(redis)
    .WaitFor(redis);

var gateway = builder.AddProject<Projects.McpAspire_Gateway>("gateway")
    .WithReplicas(2)
    .WithHttpEndpoint(port: builder.Configuration.GetValue("Gateway:Port", 7080))
    .WithExternalHttpEndpoints()
    .WithServiceKey(serviceKey)
    .WithReference(redis)
    .WithReference(stateService)
    .WithReference(toolHost)
    // Downstream MCP servers: the tool host, found by service discovery, plus whatever mcp-servers.json lists
    // (the mcpServers format IDE assistants use; the gateway reloads it while running).
    .WithEnvironment("Gateway__Servers__toolhost__Url", "https+http://toolhost/mcp")
    .WithEnvironment("Gateway__ServersFile", "../McpAspire.AppHost/mcp-servers.json")
    .WaitFor(stateService)
    .WaitFor(toolHost);

// Gateway authentication comes from the AppHost's own configuration (`Gateway:Auth:*` in its appsettings, user
// secrets or command line, e.g. --Gateway:Auth:ApiKeys:0:Hash=…), passed on unchanged. Without any, local runs serve
// /mcp without credentials so an IDE assistant can connect at once; published deployments (the manifest) get no such
// setting: the gateway then refuses to start until Gateway__Auth__* is set.
var gatewayAuth = builder.Configuration.GetSection("Gateway:Auth").AsEnumerable(makePathsRelative: true)
    .Where(e => e.Value is not null)
    .ToList();
foreach (var (key, value) in gatewayAuth)
{
    gateway.WithEnvironment("Gateway__Auth__" + key.Replace(":", "__", StringComparison.Ordinal), value!);
}
if (builder.ExecutionContext.IsRunMode && gatewayAuth.Count == 0)
{
    gateway.WithEnvironment("Gateway__Auth__AllowAnonymous", "true");
}

builder.Build().Run();

/// <summary>The AppHost entry point, public so the testing builder can start it (<c>CreateAsync&lt;Program&gt;()</c>).</summary>
public partial class Program;
