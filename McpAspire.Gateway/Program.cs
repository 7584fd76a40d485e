using McpAspire.Gateway;

var app = GatewayApp.Build(args);
app.Run();

/// <summary>Entry point, visible to tests and the AppHost.</summary>
public partial class Program;
