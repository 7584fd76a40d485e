using System.Buffers;
using System.IO.Compression;
using System.Text.Json;

namespace McpAspire.ToolHost.Storage;

/// <summary>
/// Large message payloads stored Brotli-compressed (base64 inside the stored JSON, since entries are text the scripts
/// handle). Quality 4: most of Brotli's ratio on JSON at a fraction of its top levels' CPU. Kept only when it saves bytes.
/// </summary>
internal static class PayloadCompression
{
    private const int Quality = 4;
    private const int Window = 22;

    /// <summary>A JSON null, for stored messages whose payload was null.</summary>
    public static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>The compressed payload, or null when it is under the threshold (0 = off) or would not shrink.</summary>
    public static (string Base64, int Length)? TryCompress(JsonElement payload, int thresholdBytes, out long savedBytes)
    {
        savedBytes = 0;
        if (thresholdBytes <= 0)
        {
            return null;
        }
        var raw = JsonSerializer.SerializeToUtf8Bytes(payload, Agents.AgentJsonContext.Default.JsonElement);
        if (raw.Length <= thresholdBytes)
        {
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(raw.Length));
        try
        {
            if (!BrotliEncoder.TryCompress(raw, buffer, out var written, Quality, Window))
            {
                return null;
            }
            var base64 = Convert.ToBase64String(buffer, 0, written);
            savedBytes = raw.Length - base64.Length;
            return savedBytes > 0 ? (base64, raw.Length) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The payload as it was sent.</summary>
    public static JsonElement Decompress(string base64, int length)
    {
        var compressed = Convert.FromBase64String(base64);
        var raw = new byte[length];
        if (!BrotliDecoder.TryDecompress(compressed, raw, out var written) || written != length)
        {
            throw new InvalidDataException("A stored message payload could not be decompressed.");
        }
        using var document = JsonDocument.Parse(raw);
        return document.RootElement.Clone();
    }
}
