using McpAspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace McpAspire.Hosting;

/// <summary><c>AddRedis</c> and its options.</summary>
public static class RedisBuilderExtensions
{
    /// <summary>
    /// Adds Redis with a generated password (parameter <c>{name}-password</c>). In run mode it is a local
    /// <c>redis-server</c>, else Garnet; when the AppHost's configuration has <c>ConnectionStrings:{name}</c>
    /// that external server is used instead and nothing is started.
    /// </summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = builder.AddGeneratedParameter($"{name}-password", secret: true, new GeneratedParameterDefault(MinLength: 22, Special: false));
        var redis = new RedisResource(name, password.Resource);
        if (builder.ExecutionContext.IsRunMode && builder.Configuration.GetConnectionString(name) is { Length: > 0 } external)
        {
            redis.ExternalConnectionString = external;
        }
        if (builder.Configuration["AppHost:Redis:Server"] is { Length: > 0 } kind)
        {
            redis.ServerKind = kind.ToUpperInvariant() switch
            {
                "AUTO" => RedisServerKind.Auto,
                "REDIS-SERVER" or "REDISSERVER" or "REDIS" => RedisServerKind.RedisServer,
                "GARNET" => RedisServerKind.Garnet,
                _ => throw new InvalidOperationException($"Configuration AppHost:Redis:Server = '{kind}' is not one of auto, redis-server, garnet."),
            };
        }
        return builder.AddResource(redis)
            .WithAnnotation(new EndpointAnnotation(RedisResource.PrimaryEndpointName, "tcp", "tcp", port));
    }

    /// <summary>Chooses the server that runs Redis locally (configuration <c>AppHost:Redis:Server</c> wins).</summary>
    public static IResourceBuilder<RedisResource> WithRedisServer(this IResourceBuilder<RedisResource> builder, RedisServerKind kind)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationBuilder.Configuration["AppHost:Redis:Server"] is not { Length: > 0 })
        {
            builder.Resource.ServerKind = kind;
        }
        return builder;
    }

    /// <summary>
    /// Keeps Redis data across runs: AOF in a directory under <c>~/.mcpaspire/volumes</c> (redis-server
    /// <c>--appendonly yes</c>; Garnet <c>--aof --device-type RandomAccess --recover</c>), a volume on <c>/data</c> in the manifest.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithDataVolume(this IResourceBuilder<RedisResource> builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = Path.GetFileName(builder.ApplicationBuilder.AppHostDirectory.TrimEnd(Path.DirectorySeparatorChar)).ToLowerInvariant();
        var volume = name ?? $"{app}-{builder.Resource.Name}-data";
        var dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mcpaspire", "volumes", volume);
        return builder.WithAnnotation(new PersistenceAnnotation(dir, volume));
    }

    /// <summary>Keeps Redis data in <paramref name="directory"/> (relative to the AppHost directory).</summary>
    public static IResourceBuilder<RedisResource> WithDataBindMount(this IResourceBuilder<RedisResource> builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var dir = Path.GetFullPath(Path.Combine(builder.ApplicationBuilder.AppHostDirectory, directory));
        return builder.WithAnnotation(new PersistenceAnnotation(dir, $"{builder.Resource.Name}-data"));
    }
}
