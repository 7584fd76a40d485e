using System.Globalization;
using System.Text.Json;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// What a relayed JSON-RPC message turned out to be, read with a shallow scan of its top-level members (values are
/// skipped, not parsed): the response to the forwarded request (a result, or an error with its code), or something
/// else on the way (a notification, an input request) that the relay passes on without looking further.
/// </summary>
internal readonly record struct ForwardedOutcome(bool IsResponse, int? ErrorCode)
{
    /// <summary>The error type recorded in statistics and spans: null for a result, else the JSON-RPC code.</summary>
    public string? ErrorType => ErrorCode?.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Classifies one message. <paramref name="isFinalBlock"/> false lets a JSON body be judged from its first chunk:
    /// null comes back when the chunk ended before the answer was clear.
    /// </summary>
    public static ForwardedOutcome? Classify(ReadOnlySpan<byte> json, bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock, default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return isFinalBlock ? new ForwardedOutcome(false, null) : null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("result"u8))
                {
                    return new ForwardedOutcome(true, null);
                }
                if (reader.ValueTextEquals("error"u8))
                {
                    return ReadErrorCode(ref reader);
                }
                if (reader.ValueTextEquals("method"u8))
                {
                    // A notification or a request of the server's own: not the answer.
                    return new ForwardedOutcome(false, null);
                }
                if (!reader.Read() || !reader.TrySkip())
                {
                    return null;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON-RPC we understand: relayed all the same; for statistics it is not a result.
            return isFinalBlock ? new ForwardedOutcome(true, JsonRpcInternalError) : null;
        }
        return isFinalBlock ? new ForwardedOutcome(false, null) : null;
    }

    private const int JsonRpcInternalError = -32603;

    private static ForwardedOutcome? ReadErrorCode(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return new ForwardedOutcome(true, JsonRpcInternalError);
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                if (!reader.Read())
                {
                    return null;
                }
                return new ForwardedOutcome(true, reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code) ? code : JsonRpcInternalError);
            }
            if (!reader.Read() || !reader.TrySkip())
            {
                return null;
            }
        }
        return reader.TokenType == JsonTokenType.EndObject ? new ForwardedOutcome(true, JsonRpcInternalError) : null;
    }
}
