using McpAspire.ServiceDefaults.Redaction;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of secret redaction for logs (the OpenTelemetry processors are added with the exporters).</summary>
public static class RedactionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KnownSecrets"/> from configuration and wraps the <see cref="ILoggerFactory"/> in a
    /// <see cref="RedactingLoggerFactory"/>, so every log provider (console, OpenTelemetry, test captures) receives masked text.
    /// </summary>
    public static IServiceCollection AddSecretRedaction(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(ILoggerFactory) && d.ImplementationFactory?.Method.DeclaringType == typeof(RedactionServiceCollectionExtensions)))
        {
            return services;
        }
        services.AddLogging();
        services.TryAddSingleton(_ => KnownSecrets.FromConfiguration(configuration));
        var original = services.Last(d => d.ServiceType == typeof(ILoggerFactory));
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => Wrap(sp, original)));
        return services;
    }

    private static RedactingLoggerFactory Wrap(IServiceProvider sp, ServiceDescriptor original)
    {
        var inner = original.ImplementationInstance as ILoggerFactory
            ?? original.ImplementationFactory?.Invoke(sp) as ILoggerFactory
            ?? (ILoggerFactory)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
        return new RedactingLoggerFactory(inner, sp.GetRequiredService<KnownSecrets>());
    }
}
