using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace McpAspire.Mcp.Events;

/// <summary>
/// SSE event ids that carry their own location, <c>{sessionId}.{base64url(streamId)}.{sequence}</c>, so any replica
/// can find the stream a <c>Last-Event-ID</c> refers to without a lookup table.
/// </summary>
public static class McpEventId
{
    /// <summary>Builds an event id.</summary>
    public static string Format(string sessionId, string streamId, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{sessionId}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(streamId))}.{sequence}");

    /// <summary>Splits an event id; false for anything this endpoint did not mint.</summary>
    public static bool TryParse(string? eventId, out string sessionId, out string streamId, out long sequence)
    {
        sessionId = streamId = "";
        sequence = 0;
        if (string.IsNullOrEmpty(eventId) || eventId.Length > 512)
        {
            return false;
        }
        var first = eventId.IndexOf('.', StringComparison.Ordinal);
        var last = eventId.LastIndexOf('.');
        if (first <= 0 || last <= first + 1 || last == eventId.Length - 1)
        {
            return false;
        }
        if (!long.TryParse(eventId.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
        {
            return false;
        }
        var encoded = eventId.AsSpan(first + 1, last - first - 1);
        if (!Base64Url.IsValid(encoded))
        {
            return false;
        }
        try
        {
            streamId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(encoded));
        }
        catch (FormatException)
        {
            return false;
        }
        sessionId = eventId[..first];
        return true;
    }
}
