using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace McpAspire.Mcp.Distributed.State;

/// <summary>
/// Maps the endpoint's stream ids (the SDK's <c>__get__</c>, or a request id, which may hold any character) onto the
/// state service's stream names (<c>[A-Za-z0-9_.:/-]{1,128}</c>). Names that already fit pass unchanged (readable in
/// Redis); anything else becomes <c>b:</c> + base64url, or <c>h:</c> + base64url(SHA-256) when that would be too long.
/// The mapping is one-way and injective: the store never needs the id back, since readers ask by the id they hold.
/// </summary>
internal static partial class StateStreamNames
{
    private const int MaxLength = 128;

    [GeneratedRegex("^[A-Za-z0-9_.:/-]{1,128}$")]
    private static partial Regex Plain();

    public static string For(string streamId)
    {
        // "b:" and "h:" prefixes are reserved for encoded names, so a plain id that starts with one is encoded too.
        if (Plain().IsMatch(streamId) && !streamId.StartsWith("b:", StringComparison.Ordinal) && !streamId.StartsWith("h:", StringComparison.Ordinal))
        {
            return streamId;
        }
        var bytes = Encoding.UTF8.GetBytes(streamId);
        var encoded = "b:" + Base64Url.EncodeToString(bytes);
        return encoded.Length <= MaxLength ? encoded : "h:" + Base64Url.EncodeToString(SHA256.HashData(bytes));
    }
}
