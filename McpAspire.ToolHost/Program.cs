using McpAspire.ToolHost.Hosting;

var app = ToolHostApp.Build(args);
app.Run();
