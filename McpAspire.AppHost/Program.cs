using Microsoft.Extensions.Configuration;
using McpAspire.Hosting.Redis;

// The McpAspire topology. Redis holds all state; the state service owns the mcp:* keyspace; the tool host is the MCP
// server core; the gateway (two stateless replicas behind one stable front port) is what IDE assistants connect to.
var builder = DistributedApplication.CreateBuilder(args);

// redis-server or Garnet as an executable here (no container runtime); Aspire's Redis container in the manifest; an
// existing server with --ConnectionStrings:redis=host:port,password=…. Always a password, PING-gated.
var redis = builder.AddRedisServer("redis",
    builder.Configuration.GetValue("AppHost:Redis:Server", RedisServerKind.Auto),
    persistent: builder.Configuration.GetValue("AppHost:Redis:Persistent", false),
    dataDirectory: builder.Configuration["AppHost:Redis:DataDirectory"])
    .WithRestartOnCrash();
// The key the state service and tool host demand of their callers (generated per run, a secret parameter when published).
var serviceKey = builder.AddServiceKey();

var stateService = builder.AddProject<Projects.McpAspire_StateService>("statesvc")
    .WithRandomPortInRunMode(builder)
    .WithDirectLaunchInRunMode()
    .WithHttpHealthCheck("/health")
    .WithServiceKey(serviceKey)
    .WithAllowedHostsInManifest(builder)
    .WithReference(redis)
    .WithRestartOnCrash()
    .WaitFor(redis);

var toolHost = builder.AddProject<Projects.McpAspire_ToolHost>("toolhost")
    .WithRandomPortInRunMode(builder)
    .WithDirectLaunchInRunMode()
    .WithHttpHealthCheck("/health")
    .WithServiceKey(serviceKey)
    .WithAllowedHostsInManifest(builder)
    .WithReference(redis)
    .WithRestartOnCrash()
    .WaitFor(redis);

var gateway = builder.AddProject<Projects.McpAspire_Gateway>("gateway")
    .WithReplicas(2)
    .WithReplicaCountInManifest()
    .WithDirectLaunchInRunMode()
    .WithRestartOnCrash()
    // The stable front port (DCP's proxy spreads connections over the replicas): assistants keep one URL across runs.
    .WithEndpoint("http", e => e.Port = builder.Configuration.GetValue("Gateway:Port", 7080))
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithServiceKey(serviceKey)
    .WithAllowedHostsInManifest(builder)
    .WithReference(redis)
    .WithReference(stateService)
    .WithReference(toolHost)
    // Downstream MCP servers: the tool host, found by service discovery, plus whatever mcp-servers.json lists
    // (the mcpServers format IDE assistants use; the gateway reloads it while running).
    .WithEnvironment("Gateway__Servers__toolhost__Url", "https+http://toolhost/mcp")
    // A restarted tool host is reconnected within 2 s (the default back-off grows to 60 s); the first retries come
    // quickly because the gateway starts beside the tool host and usually finds it still starting.
    .WithEnvironment("Gateway__Servers__toolhost__ReconnectDelay", "00:00:00.250")
    .WithEnvironment("Gateway__Servers__toolhost__MaxReconnectDelay", "00:00:02")
    // --Gateway:ServersFile=/abs/path.json points the gateway at another servers file (the chaos soak uses its own).
    .WithConfigFile("Gateway__ServersFile", builder.Configuration["Gateway:ServersFile"] ?? "mcp-servers.json")
    // Only Redis gates the gateway: it starts beside the state service and the tool host instead of after them (waiting
    // for both to be healthy, then for Aspire's next health poll, added ~8 s to every start). Until it has connected
    // to the tool host its /health says Degraded and /stats says so; its session calls answer 503 while the state
    // service is still starting, as they do when that service restarts.
    .WaitFor(redis);

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

// `--operation publish --step publish-kubernetes` (manifests) or `publish-kubernetes-images` (OCI archives); the
// README's "Deploy to Kubernetes" says what to set (`Kubernetes:*`).
builder.AddKubernetesPublishing();

builder.Build().Run();

/// <summary>The AppHost entry point, public so Aspire.Hosting.Testing can start it (<c>CreateAsync&lt;Projects.McpAspire_AppHost&gt;()</c>).</summary>
public partial class Program;
