using McpAspire.Dashboard.Otlp.Proto.Resource.V1;

namespace McpAspire.Dashboard.Otlp;

/// <summary>The resource identity the dashboard groups telemetry by: service.name and service.instance.id.</summary>
internal readonly record struct OtlpResourceInfo(string Name, string? Instance)
{
    /// <summary>OpenTelemetry's name for a service that did not set one.</summary>
    public const string UnknownService = "unknown_service";

    public static OtlpResourceInfo From(Resource? resource)
    {
        string? name = null;
        string? instance = null;
        if (resource is not null)
        {
            foreach (var attribute in resource.Attributes)
            {
                if (attribute.Key == "service.name")
                {
                    name = attribute.Value?.StringValue;
                }
                else if (attribute.Key == "service.instance.id")
                {
                    instance = attribute.Value?.StringValue;
                }
            }
        }
        return new OtlpResourceInfo(string.IsNullOrEmpty(name) ? UnknownService : name, string.IsNullOrEmpty(instance) ? null : instance);
    }
}
