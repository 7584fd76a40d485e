using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace McpAspire.SessionSharing;

/// <summary>
/// SSE event ids of the shared event streams: <c>{session}.{stream as base64url}.{sequence}</c>, the sequence being the
/// session's Redis counter (<c>INCR</c>), so an id minted on one replica resolves on any other with no lookup table and
/// orders events across all streams of the session.
/// </summary>
public static class EventIds
{
    /// <summary>Formats an event id.</summary>
    public static string Format(string sessionId, string streamId, long sequence) =>
        sessionId + "." + EncodeStream(streamId) + "." + sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>The stream id as it appears in ids and keys (base64url of its UTF-8).</summary>
    public static string EncodeStream(string streamId) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(streamId));

    /// <summary>Parses an id made by <see cref="Format"/>; false for anything else (a client's garbage included).</summary>
    public static bool TryParse(string? eventId, out string sessionId, out string streamId, out long sequence)
    {
        sessionId = streamId = "";
        sequence = 0;
        if (string.IsNullOrEmpty(eventId) || eventId.Length > 1024)
        {
            return false;
        }
        var parts = eventId.Split('.');
        if (parts.Length != 3 || !StateSessionDirectory.SessionIdPattern().IsMatch(parts[0])
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out sequence) || sequence < 1)
        {
            return false;
        }
        try
        {
            streamId = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[1]));
        }
        catch (FormatException)
        {
            return false;
        }
        sessionId = parts[0];
        return streamId.Length > 0;
    }
}
