using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>
/// <c>AddRedisServer</c>: Redis that runs on this machine whatever it has. An external server when
/// <c>ConnectionStrings:{name}</c> is configured; Aspire's Redis container (<c>AddRedis</c>) in publish mode and where a
/// container runtime answers; otherwise <c>redis-server</c> or Garnet as an executable resource. Every form has a
/// password, a PING health check that gates <c>WaitFor</c>, and the connection string <c>host:port,password=…</c>.
/// </summary>
public static class RedisServerBuilderExtensions
{
    /// <summary>Adds the Redis resource <paramref name="name"/> (see the type's remarks for which form is chosen).</summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">Resource name; also the connection-string name (<c>ConnectionStrings__{name}</c>).</param>
    /// <param name="kind">Which server in run mode; <see cref="RedisServerKind.Auto"/> picks what works here.</param>
    /// <param name="persistent">Keep data across runs: an append-only file under <c>~/.mcpaspire/redis/</c> (a volume for the container).</param>
    /// <param name="dataDirectory">With <paramref name="persistent"/>, where the executable server keeps its data instead.</param>
    /// <exception cref="InvalidOperationException">Run mode and no way to run Redis here (the message says what to install).</exception>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, string name,
        RedisServerKind kind = RedisServerKind.Auto, bool persistent = false, string? dataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var healthCheckKey = $"{name}_ping";

        if (builder.ExecutionContext.IsRunMode && builder.Configuration.GetConnectionString(name) is { Length: > 0 })
        {
            // An existing server: nothing is started, it is probed like ours and passed on as it is.
            var external = builder.AddConnectionString(name);
            AddPingCheck(builder, external.Resource, healthCheckKey);
            return external.WithHealthCheck(healthCheckKey);
        }

        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true);
        if (builder.ExecutionContext.IsPublishMode || kind == RedisServerKind.Container
            || (kind == RedisServerKind.Auto && ContainerRuntimeProbe.IsHealthy(TimeSpan.FromSeconds(3))))
        {
            var container = builder.AddRedis(name, port: null, password: password);
            if (persistent)
            {
                container.WithDataVolume().WithPersistence();
            }
            return container;
        }

        dataDirectory = persistent
            ? dataDirectory is { Length: > 0 } ? Path.GetFullPath(dataDirectory) : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mcpaspire", "redis", $"{name}-{DirectoryTag(builder.AppHostDirectory)}")
            : Directory.CreateTempSubdirectory($"mcpaspire-{name}-data-").FullName;
        var launch = RedisServerLocator.Plan(kind, builder.AppHostDirectory, dataDirectory, persistent);
        var resource = new RedisServerResource(name, launch, password.Resource);
        AddPingCheck(builder, resource, healthCheckKey);
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(launch.Cleanup);
            return Task.CompletedTask;
        });
        return builder.AddResource(resource)
            .WithEndpoint(name: RedisServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var arg in launch.FixedArgs)
                {
                    context.Args.Add(arg);
                }
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthCheckKey)
            // The configuration (with the password) is written before every start, restarts included, and deleted once
            // the server answers: it has read it by then.
            .OnBeforeResourceStarted(async (r, _, ct) => r.Launch.WriteConfig(await r.PasswordParameter.GetValueAsync(ct).ConfigureAwait(false) ?? ""))
            .OnResourceReady((r, _, _) =>
            {
                r.Launch.DeleteConfig();
                return Task.CompletedTask;
            });
    }

    private static void AddPingCheck(IDistributedApplicationBuilder builder, IResourceWithConnectionString resource, string key)
    {
        // One instance for the app's life (the registration's factory runs on every check), closed when the app stops.
        var check = new RedisPingHealthCheck(resource);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, failureStatus: null, tags: null));
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => check.CloseAsync().GetAwaiter().GetResult());
            return Task.CompletedTask;
        });
    }

    private static string DirectoryTag(string directory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..12];
}
