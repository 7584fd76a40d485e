using McpAspire.Gateway.Diagnostics;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapEnvironmentContractEndpoints();
app.Run();
