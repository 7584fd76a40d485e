using McpAspire.Dashboard;

var app = DashboardWebApplication.Build(DashboardWebApplication.CreateBuilder(args));
await app.RunAsync();
