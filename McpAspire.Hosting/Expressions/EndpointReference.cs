using System.Globalization;

namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// A reference to a named endpoint of a resource. Its value is the URL other resources use (the front URL of a
/// replicated resource); in the manifest it is <c>{name.bindings.endpoint.url}</c>.
/// </summary>
public sealed class EndpointReference : IValueProvider, IManifestExpressionProvider
{
    /// <summary>Creates the reference.</summary>
    public EndpointReference(IResourceWithEndpoints resource, string endpointName)
    {
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
        ArgumentException.ThrowIfNullOrWhiteSpace(endpointName);
        EndpointName = endpointName;
    }

    /// <summary>The resource.</summary>
    public IResourceWithEndpoints Resource { get; }

    /// <summary>The endpoint name (e.g. <c>http</c>, <c>tcp</c>).</summary>
    public string EndpointName { get; }

    /// <summary>The endpoint's annotation, or a clear error when the resource has no such endpoint.</summary>
    public EndpointAnnotation Annotation =>
        Resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == EndpointName)
        ?? throw new InvalidOperationException($"Resource '{Resource.Name}' has no endpoint named '{EndpointName}'.");

    /// <summary>The allocated endpoint, or a clear error before the application started.</summary>
    public AllocatedEndpoint Allocated => Annotation.AllocatedEndpoint
        ?? throw new InvalidOperationException($"Endpoint '{EndpointName}' of '{Resource.Name}' has not been allocated yet: the application has not started.");

    /// <summary>The URL (front URL for replicas).</summary>
    public string Url => Allocated.Url;

    /// <summary>A single property of the endpoint.</summary>
    public IValueProvider Property(EndpointProperty property) => new DelegateValue(
        () => property switch
        {
            EndpointProperty.Url => Allocated.Url,
            EndpointProperty.Host => Allocated.Host,
            EndpointProperty.Port => Allocated.Port.ToString(CultureInfo.InvariantCulture),
            EndpointProperty.TargetPort => Allocated.TargetPorts[0].ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(property)),
        },
        "{" + Resource.Name + ".bindings." + EndpointName + "." + PropertyName(property) + "}");

    private static string PropertyName(EndpointProperty property) => property switch
    {
        EndpointProperty.Url => "url",
        EndpointProperty.Host => "host",
        EndpointProperty.Port => "port",
        _ => "targetPort",
    };

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Url);

    /// <inheritdoc />
    public string ValueExpression => $"{{{Resource.Name}.bindings.{EndpointName}.url}}";
}
