#pragma warning disable MCP9005 // logging, sampling and elicitation are deprecated in 2026-07-28, but the 2025 scenarios exercise exactly them
using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.ToolHost.Conformance;

/// <summary>The tools the official conformance suite (0.1.x server scenarios) calls by name.</summary>
[McpServerToolType]
public sealed class ConformanceTools
{
    [McpServerTool(Name = "test_simple_text"), Description("Tests simple text content response")]
    public static string SimpleText() => "This is a simple text response for testing.";

    [McpServerTool(Name = "test_image_content"), Description("Tests image content response")]
    public static ImageContentBlock Image() => ImageContentBlock.FromBytes(ConformanceFixtures.Png, "image/png");

    [McpServerTool(Name = "test_audio_content"), Description("Tests audio content response")]
    public static AudioContentBlock Audio() => AudioContentBlock.FromBytes(ConformanceFixtures.Wav, "audio/wav");

    [McpServerTool(Name = "test_embedded_resource"), Description("Tests embedded resource content response")]
    public static EmbeddedResourceBlock Embedded() => new()
    {
        Resource = new TextResourceContents { Uri = "test://embedded-resource", MimeType = "text/plain", Text = "This is an embedded resource content." },
    };

    [McpServerTool(Name = "test_multiple_content_types"), Description("Tests response with multiple content types (text, image, resource)")]
    public static ContentBlock[] Mixed() =>
    [
        new TextContentBlock { Text = "Multiple content types test:" },
        ImageContentBlock.FromBytes(ConformanceFixtures.Png, "image/png"),
        new EmbeddedResourceBlock
        {
            Resource = new TextResourceContents { Uri = "test://mixed-content-resource", MimeType = "application/json", Text = """{"test":"data","value":123}""" },
        },
    ];

    [McpServerTool(Name = "test_tool_with_logging"), Description("Tests tool that emits log messages during execution")]
    public static async Task<string> WithLogging(McpServer server, CancellationToken cancellationToken)
    {
        foreach (var text in new[] { "Tool execution started", "Tool processing data", "Tool execution completed" })
        {
            await server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, new LoggingMessageNotificationParams
            {
                Level = LoggingLevel.Info,
                Logger = "conformance",
                Data = JsonSerializer.SerializeToElement(text, ConformanceJsonContext.Default.String),
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return "Tool with logging executed successfully";
    }

    [McpServerTool(Name = "test_tool_with_progress"), Description("Tests tool that reports progress notifications")]
    public static async Task<string> WithProgress(McpServer server, RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Params?.ProgressToken is not { } token)
        {
            return "No progress token provided";
        }
        foreach (var step in new[] { 0, 50, 100 })
        {
            await server.NotifyProgressAsync(token, new ModelContextProtocol.ProgressNotificationValue { Progress = step, Total = 100, Message = $"Completed step {step} of 100" }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return token.ToString() ?? "";
    }

    [McpServerTool(Name = "test_error_handling"), Description("Tests error response handling")]
    public static string Error() => throw new InvalidOperationException("This tool intentionally returns an error for testing");

    [McpServerTool(Name = "test_reconnection"), Description("Tests SSE stream disconnection and client reconnection (SEP-1699): the server closes the POST stream and the client resumes with Last-Event-ID.")]
    public static string Reconnection() => "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.";

    [McpServerTool(Name = "test_sampling"), Description("Tests server-initiated sampling (LLM completion request)")]
    public static async Task<string> Sampling(McpServer server, [Description("The prompt to send to the LLM")] string prompt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            var result = await server.SampleAsync(new CreateMessageRequestParams
            {
                Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = prompt }] }],
                MaxTokens = 100,
            }, cancellationToken).ConfigureAwait(false);
            return $"LLM response: {(result.Content.FirstOrDefault() as TextContentBlock)?.Text ?? "No response"}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"Sampling not supported or error: {ex.Message}";
        }
    }

    [McpServerTool(Name = "test_elicitation"), Description("Tests server-initiated elicitation (user input request)")]
    public static async Task<string> Elicitation(McpServer server, [Description("The message to show the user")] string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var schema = new ElicitRequestParams.RequestSchema
        {
            Properties = { ["response"] = new ElicitRequestParams.StringSchema { Description = "User's response" } },
            Required = ["response"],
        };
        return await ElicitAsync(server, message, schema, "User response", cancellationToken).ConfigureAwait(false);
    }

    [McpServerTool(Name = "test_elicitation_sep1034_defaults"), Description("Tests elicitation with default values per SEP-1034")]
    public static Task<string> ElicitationDefaults(McpServer server, CancellationToken cancellationToken)
    {
        var schema = new ElicitRequestParams.RequestSchema
        {
            Properties =
            {
                ["name"] = new ElicitRequestParams.StringSchema { Description = "User name", Default = "John Doe" },
                ["age"] = new ElicitRequestParams.NumberSchema { Type = "integer", Description = "User age", Default = 30 },
                ["score"] = new ElicitRequestParams.NumberSchema { Description = "User score", Default = 95.5 },
                ["status"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema { Description = "User status", Enum = ["active", "inactive", "pending"], Default = "active" },
                ["verified"] = new ElicitRequestParams.BooleanSchema { Description = "Verification status", Default = true },
            },
        };
        return ElicitAsync(server, "Please review and update the form fields with defaults", schema, "Elicitation completed", cancellationToken);
    }

    [McpServerTool(Name = "test_elicitation_sep1330_enums"), Description("Tests elicitation with enum schema improvements per SEP-1330")]
    public static Task<string> ElicitationEnums(McpServer server, CancellationToken cancellationToken)
    {
        var schema = new ElicitRequestParams.RequestSchema
        {
            Properties =
            {
                ["untitledSingle"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema { Description = "Select one option", Enum = ["option1", "option2", "option3"] },
                ["titledSingle"] = new ElicitRequestParams.TitledSingleSelectEnumSchema
                {
                    Description = "Select one option with titles",
                    OneOf = [new() { Const = "value1", Title = "First Option" }, new() { Const = "value2", Title = "Second Option" }, new() { Const = "value3", Title = "Third Option" }],
                },
#pragma warning disable MCP9001 // the legacy enumNames form is exactly what the scenario checks
                ["legacyEnum"] = new ElicitRequestParams.LegacyTitledEnumSchema { Description = "Select one option (legacy)", Enum = ["opt1", "opt2", "opt3"], EnumNames = ["Option One", "Option Two", "Option Three"] },
#pragma warning restore MCP9001
                ["untitledMulti"] = new ElicitRequestParams.UntitledMultiSelectEnumSchema
                {
                    Description = "Select multiple options",
                    MinItems = 1,
                    MaxItems = 3,
                    Items = new ElicitRequestParams.UntitledEnumItemsSchema { Enum = ["option1", "option2", "option3"] },
                },
                ["titledMulti"] = new ElicitRequestParams.TitledMultiSelectEnumSchema
                {
                    Description = "Select multiple options with titles",
                    MinItems = 1,
                    MaxItems = 3,
                    Items = new ElicitRequestParams.TitledEnumItemsSchema
                    {
                        AnyOf = [new() { Const = "value1", Title = "First Choice" }, new() { Const = "value2", Title = "Second Choice" }, new() { Const = "value3", Title = "Third Choice" }],
                    },
                },
            },
        };
        return ElicitAsync(server, "Please select options from the enum fields", schema, "Elicitation completed", cancellationToken);
    }

    /// <summary>The SEP-1613 tool: its input schema is raw JSON Schema 2020-12 ($schema, $defs, additionalProperties), kept verbatim.</summary>
    public static McpServerTool CreateJsonSchema202012Tool()
    {
        var tool = McpServerTool.Create(
            (JsonElement? name, JsonElement? address) => $"JSON Schema 2020-12 tool called with: name={name}, address={address}",
            new McpServerToolCreateOptions { Name = "json_schema_2020_12_tool", Description = "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)" });
        tool.ProtocolTool.InputSchema = JsonDocument.Parse("""
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "$defs": { "address": { "type": "object", "properties": { "street": { "type": "string" }, "city": { "type": "string" } } } },
              "properties": { "name": { "type": "string" }, "address": { "$ref": "#/$defs/address" } },
              "additionalProperties": false
            }
            """).RootElement.Clone();
        return tool;
    }

    private static async Task<string> ElicitAsync(McpServer server, string message, ElicitRequestParams.RequestSchema schema, string prefix, CancellationToken cancellationToken)
    {
        try
        {
            var result = await server.ElicitAsync(new ElicitRequestParams { Message = message, RequestedSchema = schema }, cancellationToken).ConfigureAwait(false);
            var content = result.Content is null ? "{}" : JsonSerializer.Serialize(result.Content, ConformanceJsonContext.Default.IDictionaryStringJsonElement);
            return $"{prefix}: action={result.Action}, content={content}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"Elicitation not supported or error: {ex.Message}";
        }
    }
}
