using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Conformance;

/// <summary>The resources and the template the conformance suite lists and reads.</summary>
[McpServerResourceType]
public sealed class ConformanceResources
{
    [McpServerResource(UriTemplate = "test://static-text", Name = "static-text", Title = "Static Text Resource", MimeType = "text/plain")]
    [Description("A static text resource for testing")]
    public static string StaticText() => "This is the content of the static text resource.";

    [McpServerResource(UriTemplate = "test://static-binary", Name = "static-binary", Title = "Static Binary Resource", MimeType = "image/png")]
    [Description("A static binary resource (image) for testing")]
    public static BlobResourceContents StaticBinary() => BlobResourceContents.FromBytes(ConformanceFixtures.Png, "test://static-binary", "image/png");

    [McpServerResource(UriTemplate = "test://template/{id}/data", Name = "template", Title = "Resource Template", MimeType = "application/json")]
    [Description("A resource template with parameter substitution")]
    public static TextResourceContents Template(string id) => new()
    {
        Uri = $"test://template/{id}/data",
        MimeType = "application/json",
        Text = JsonSerializer.Serialize(new TemplateData(id, true, $"Data for ID: {id}"), ConformanceJsonContext.Default.TemplateData),
    };

    [McpServerResource(UriTemplate = "test://watched-resource", Name = "watched-resource", Title = "Watched Resource", MimeType = "text/plain")]
    [Description("A resource clients can subscribe to")]
    public static string Watched() => "Watched resource content";
}
