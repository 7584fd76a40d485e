using McpAspire.Gateway;
using McpAspire.Gateway.Security;

// `hash-key KEY` prints the hash for Gateway:Auth:ApiKeys; `new-key` makes a random key and prints both.
if (ApiKeyCommands.TryRun(args, Console.Out))
{
    return;
}
var app = GatewayApp.Build(args);
app.Run();

/// <summary>Entry point, visible to tests and the AppHost.</summary>
public partial class Program;
