using Microsoft.Extensions.Configuration;

// One project with a health check on a stable port (--Port=N), nothing else: what any Aspire app pays to start and stop.
var builder = DistributedApplication.CreateBuilder(args);
builder.AddProject<Projects.MinimalService>("service")
    .WithEndpoint("http", e => e.Port = builder.Configuration.GetValue("Port", 5190))
    .WithHttpHealthCheck("/health");
builder.Build().Run();
