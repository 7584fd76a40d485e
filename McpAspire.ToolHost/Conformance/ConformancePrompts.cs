using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Conformance;

/// <summary>The prompts the conformance suite gets by name.</summary>
[McpServerPromptType]
public sealed class ConformancePrompts
{
    [McpServerPrompt(Name = "test_simple_prompt", Title = "Simple Test Prompt"), Description("A simple prompt without arguments")]
    public static PromptMessage Simple() => Text("This is a simple prompt for testing.");

    [McpServerPrompt(Name = "test_prompt_with_arguments", Title = "Prompt With Arguments"), Description("A prompt with required arguments")]
    public static PromptMessage WithArguments([Description("First test argument")] string arg1, [Description("Second test argument")] string arg2) =>
        Text($"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'");

    [McpServerPrompt(Name = "test_prompt_with_embedded_resource", Title = "Prompt With Embedded Resource"), Description("A prompt that includes an embedded resource")]
    public static PromptMessage[] WithEmbeddedResource([Description("URI of the resource to embed")] string resourceUri) =>
    [
        new PromptMessage
        {
            Role = Role.User,
            Content = new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = resourceUri, MimeType = "text/plain", Text = "Embedded resource content for testing." } },
        },
        Text("Please process the embedded resource above."),
    ];

    [McpServerPrompt(Name = "test_prompt_with_image", Title = "Prompt With Image"), Description("A prompt that includes image content")]
    public static PromptMessage[] WithImage() =>
    [
        new PromptMessage { Role = Role.User, Content = ImageContentBlock.FromBytes(ConformanceFixtures.Png, "image/png") },
        Text("Please analyze the image above."),
    ];

    private static PromptMessage Text(string text) => new() { Role = Role.User, Content = new TextContentBlock { Text = text } };
}
