using McpAspire.Bench;
using McpAspire.Bench.Scenarios;

// Scenarios register here as their issues land; each prints JSON lines (see BenchResult).
IScenario[] scenarios =
[
    new McpAspire.Bench.Scenarios.AppHostStartScenario(),
    new McpAspire.Bench.Scenarios.GatewayAuthScenario(),
    new McpAspire.Bench.Scenarios.GatewayOverheadScenario(),
    new McpAspire.Bench.Scenarios.GatewayRateLimitScenario(),
    new McpAspire.Bench.Scenarios.GatewayScale.GatewayScaleScenario(),
    new McpAspire.Bench.Scenarios.RedisClientScenario(),
    new McpAspire.Bench.Scenarios.ServiceAuthScenario(),
    new McpAspire.Bench.Scenarios.SessionStoreScenario(),
    new McpAspire.Bench.Scenarios.StateTouchScenario(),
    new McpAspire.Bench.Scenarios.ToolHostCallScenario(),
    new McpAspire.Bench.Scenarios.ToolHostMessagesScenario(),
];

string[] planned = ["redis-client", "state-touch", "toolhost-call", "toolhost-messages", "gateway-overhead", "gateway-scale", "gateway-ratelimit", "gateway-auth", "apphost-start", "dashboard-ingest", "session-store", "service-auth"];

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: bench/run.sh SCENARIO [args]\nscenarios: " + string.Join(", ", scenarios.Select(s => s.Name)));
    return args.Length == 0 ? 2 : 0;
}

var scenario = scenarios.FirstOrDefault(s => s.Name == args[0]);
if (scenario is null)
{
    var reason = planned.Contains(args[0]) ? "is planned but not implemented yet" : "is unknown";
    Console.Error.WriteLine($"scenario '{args[0]}' {reason}; available: {(scenarios.Length == 0 ? "(none yet)" : string.Join(", ", scenarios.Select(s => s.Name)))}");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
return await scenario.RunAsync(args[1..], cts.Token);
