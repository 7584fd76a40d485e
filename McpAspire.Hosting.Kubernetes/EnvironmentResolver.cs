using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using k8s.Models;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// Turns a resource's environment, as the app model's callbacks give it in publish mode, into container variables:
/// endpoints become the Kubernetes Service of their resource (<c>http://toolhost:8080</c>), secret parameters keys of
/// the app's Secret, connection strings are composed the same way (the external Redis's is one secret key).
/// </summary>
internal sealed class EnvironmentResolver(KubernetesPublishOptions options)
{
    private readonly HashSet<string> _secretKeys = new(StringComparer.Ordinal);

    /// <summary>Every secret key a resolved variable refers to, and those added with <see cref="RequireSecretKey"/>.</summary>
    public IReadOnlyCollection<string> SecretKeys => _secretKeys;

    /// <summary>Records a key the Secret must hold though no service variable refers to it (the in-cluster Redis's password).</summary>
    public void RequireSecretKey(string key) => _secretKeys.Add(key);

    /// <summary>The raw environment of <paramref name="resource"/> as its callbacks build it in <paramref name="context"/>.</summary>
    public static async Task<Dictionary<string, object>> GatherAsync(IResource resource, DistributedApplicationExecutionContext context, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, object>(StringComparer.Ordinal);
        var callbackContext = new EnvironmentCallbackContext(context, resource, environment, cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(callbackContext).ConfigureAwait(false);
        }
        return environment;
    }

    /// <summary>The container variables of <paramref name="resource"/>, in the order the callbacks set them.</summary>
    public async Task<IReadOnlyList<V1EnvVar>> ResolveAsync(IResource resource, DistributedApplicationExecutionContext context, CancellationToken cancellationToken)
    {
        var raw = await GatherAsync(resource, context, cancellationToken).ConfigureAwait(false);
        var configFiles = resource.Annotations.OfType<ConfigFileAnnotation>().ToDictionary(a => a.EnvironmentVariable, StringComparer.Ordinal);
        var variables = new List<V1EnvVar>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            var resolved = configFiles.TryGetValue(name, out var file)
                ? EnvironmentValue.Literal(options.ConfigMountPath.TrimEnd('/') + "/" + file.FileName)
                : await ResolveAsync(value, cancellationToken).ConfigureAwait(false);
            if (resolved.Dropped)
            {
                continue;
            }
            foreach (var variable in resolved.ToEnvVars(name, options.SecretName))
            {
                if (variable.ValueFrom?.SecretKeyRef is { } secret)
                {
                    _secretKeys.Add(secret.Key);
                }
                // A helper secret variable shared by several values is defined once, before its first use.
                if (names.Add(variable.Name))
                {
                    variables.Add(variable);
                }
            }
        }
        return variables;
    }

    private async Task<EnvironmentValue> ResolveAsync(object? value, CancellationToken cancellationToken) => value switch
    {
        null => EnvironmentValue.Literal(""),
        string text => EnvironmentValue.Literal(text),
        ParameterResource parameter => await ResolveParameterAsync(parameter, cancellationToken).ConfigureAwait(false),
        ConnectionStringReference reference => await ResolveConnectionStringAsync(reference.Resource, cancellationToken).ConfigureAwait(false),
        IResourceWithConnectionString resource => await ResolveConnectionStringAsync(resource, cancellationToken).ConfigureAwait(false),
        EndpointReference endpoint => Endpoint(endpoint, Aspire.Hosting.ApplicationModel.EndpointProperty.Url),
        EndpointReferenceExpression expression => Endpoint(expression.Endpoint, expression.Property),
        ReferenceExpression expression => await ResolveExpressionAsync(expression, cancellationToken).ConfigureAwait(false),
        IFormattable formattable => EnvironmentValue.Literal(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => throw new InvalidOperationException($"An environment value of type {value.GetType().Name} has no Kubernetes form."),
    };

    private async Task<EnvironmentValue> ResolveParameterAsync(ParameterResource parameter, CancellationToken cancellationToken)
    {
        if (options.Redis == KubernetesRedisMode.External && parameter.Name == options.RedisResource + "-password")
        {
            return EnvironmentValue.Drop();
        }
        if (parameter.Secret)
        {
            _secretKeys.Add(parameter.Name);
            return EnvironmentValue.Secret(parameter.Name);
        }
        try
        {
            return EnvironmentValue.Literal(await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "");
        }
        catch (MissingParameterValueException ex)
        {
            throw new InvalidOperationException($"Parameter '{parameter.Name}' has no value: set Parameters:{parameter.Name} when publishing.", ex);
        }
    }

    private Task<EnvironmentValue> ResolveConnectionStringAsync(IResourceWithConnectionString resource, CancellationToken cancellationToken)
    {
        if (IsExternalRedis(resource))
        {
            var key = ExternalRedisKey(options);
            _secretKeys.Add(key);
            return Task.FromResult(EnvironmentValue.Secret(key));
        }
        return ResolveExpressionAsync(resource.ConnectionStringExpression, cancellationToken);
    }

    private async Task<EnvironmentValue> ResolveExpressionAsync(ReferenceExpression expression, CancellationToken cancellationToken)
    {
        if (expression.IsConditional)
        {
            var condition = (await ResolveAsync(expression.Condition, cancellationToken).ConfigureAwait(false)).TryGetLiteral();
            var branch = string.Equals(condition, expression.MatchValue, StringComparison.OrdinalIgnoreCase) ? expression.WhenTrue : expression.WhenFalse;
            return await ResolveAsync(branch, cancellationToken).ConfigureAwait(false);
        }
        var result = new EnvironmentValue();
        var format = expression.Format;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if ((c == '{' || c == '}') && i + 1 < format.Length && format[i + 1] == c)
            {
                result.Append(c.ToString());
                i++;
            }
            else if (c == '{')
            {
                var end = format.IndexOf('}', i);
                var spec = format[(i + 1)..end];
                var index = int.Parse(spec.Split(':')[0], CultureInfo.InvariantCulture);
                var part = await ResolveAsync(expression.ValueProviders[index], cancellationToken).ConfigureAwait(false);
                if (spec.EndsWith(":uri", StringComparison.Ordinal) && part.TryGetLiteral() is { } text)
                {
                    part = EnvironmentValue.Literal(Uri.EscapeDataString(text));
                }
                result.Append(part);
                i = end;
            }
            else
            {
                result.Append(c.ToString());
            }
        }
        return result;
    }

    private EnvironmentValue Endpoint(EndpointReference endpoint, EndpointProperty property)
    {
        // Pods serve plain http (TLS ends at the ingress); a project's https endpoint has no pod port. Values built from
        // the external Redis's endpoints or password describe the in-cluster server that is not there.
        if ((endpoint.Resource is ProjectResource && endpoint.EndpointAnnotation.UriScheme == "https") || IsExternalRedis(endpoint.Resource))
        {
            return EnvironmentValue.Drop();
        }
        return EnvironmentValue.Literal(EndpointProperty(endpoint, property));
    }

    private string EndpointProperty(EndpointReference endpoint, EndpointProperty property)
    {
        var host = endpoint.Resource.Name;
        var port = ServicePort(endpoint.Resource, endpoint.EndpointAnnotation).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            Aspire.Hosting.ApplicationModel.EndpointProperty.Url => $"{endpoint.EndpointAnnotation.UriScheme}://{host}:{port}",
            Aspire.Hosting.ApplicationModel.EndpointProperty.Host or Aspire.Hosting.ApplicationModel.EndpointProperty.IPV4Host => host,
            Aspire.Hosting.ApplicationModel.EndpointProperty.Port => port,
            Aspire.Hosting.ApplicationModel.EndpointProperty.TargetPort => ContainerPort(endpoint.Resource, endpoint.EndpointAnnotation).ToString(CultureInfo.InvariantCulture),
            Aspire.Hosting.ApplicationModel.EndpointProperty.Scheme => endpoint.EndpointAnnotation.UriScheme,
            Aspire.Hosting.ApplicationModel.EndpointProperty.HostAndPort => $"{host}:{port}",
            Aspire.Hosting.ApplicationModel.EndpointProperty.TlsEnabled => bool.FalseString,
            _ => throw new InvalidOperationException($"Endpoint property {property} has no Kubernetes form."),
        };
    }

    /// <summary>The port a resource's container listens on for <paramref name="endpoint"/>.</summary>
    public int ContainerPort(IResource resource, EndpointAnnotation endpoint) =>
        resource is ProjectResource ? options.ContainerPort : endpoint.TargetPort ?? endpoint.Port ?? options.ContainerPort;

    /// <summary>The port of the resource's Service for <paramref name="endpoint"/> (the front's is configurable).</summary>
    public int ServicePort(IResource resource, EndpointAnnotation endpoint) =>
        resource.Name == options.FrontResource ? options.FrontServicePort : ContainerPort(resource, endpoint);

    private bool IsExternalRedis(IResource resource) => options.Redis == KubernetesRedisMode.External && resource.Name == options.RedisResource;

    /// <summary>The secret key holding the external Redis's connection string.</summary>
    public static string ExternalRedisKey(KubernetesPublishOptions options) => options.RedisResource + "-connection-string";
}
