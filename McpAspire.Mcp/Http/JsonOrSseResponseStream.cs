using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace McpAspire.Mcp.Http;

/// <summary>
/// Sits between the SDK transport (which always writes SSE) and the HTTP response when
/// <see cref="Hosting.McpEndpointOptions.JsonResponses"/> is on. It holds the SDK's output back until it knows the
/// exchange's shape: as soon as a request or notification (progress, logging, sampling…) precedes the result it
/// switches to streaming SSE (replaying what it held, priming event included); if the stream ends with only the
/// result, it answers a plain <c>application/json</c> body instead.
/// </summary>
internal sealed class JsonOrSseResponseStream(HttpContext context) : Stream
{
    private readonly Stream _inner = context.Response.Body;
    private readonly ArrayBufferWriter<byte> _held = new(512);
    private int _scanned;
    private bool _streaming;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Writes what is still held: the lone result as JSON, anything else as SSE.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_streaming || _held.WrittenCount == 0)
        {
            return;
        }
        if (SingleResult() is { } json && !context.Response.HasStarted)
        {
            context.Response.Headers.ContentType = "application/json";
            context.Response.Headers.CacheControl = (string?)null;
            context.Response.Headers.Remove("X-Accel-Buffering");
            context.Response.ContentLength = json.Length;
            await _inner.WriteAsync(json, cancellationToken).ConfigureAwait(false);
            return;
        }
        _streaming = true;
        await _inner.WriteAsync(_held.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_streaming)
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }
        _held.Write(buffer.Span);
        if (SawNonResultMessage())
        {
            _streaming = true;
            await _inner.WriteAsync(_held.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The SDK writes asynchronously; synchronous writes are only passed through once streaming (where Kestrel's
    // AllowSynchronousIO decides), never blocked on.
    public override void Write(byte[] buffer, int offset, int count)
    {
        if (_streaming)
        {
            _inner.Write(buffer, offset, count);
            return;
        }
        _held.Write(buffer.AsSpan(offset, count));
        if (SawNonResultMessage())
        {
            _streaming = true;
            _inner.Write(_held.WrittenSpan);
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _streaming ? _inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Looks at complete events not yet looked at; true when one carries a method (not the final result).</summary>
    private bool SawNonResultMessage()
    {
        var span = _held.WrittenSpan;
        while (true)
        {
            var end = span[_scanned..].IndexOf("\n\n"u8);
            if (end < 0)
            {
                return false;
            }
            var data = DataOf(span.Slice(_scanned, end));
            _scanned += end + 2;
            if (!data.IsEmpty && HasMethod(data))
            {
                return true;
            }
        }
    }

    private byte[]? SingleResult()
    {
        var span = _held.WrittenSpan;
        byte[]? result = null;
        var position = 0;
        while (position < span.Length)
        {
            var end = span[position..].IndexOf("\n\n"u8);
            var length = end < 0 ? span.Length - position : end;
            var data = DataOf(span.Slice(position, length));
            position += length + 2;
            if (data.IsEmpty)
            {
                continue;
            }
            if (result is not null)
            {
                return null;
            }
            result = data.ToArray();
        }
        return result;
    }

    private static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> sseEvent)
    {
        foreach (var range in sseEvent.Split((byte)'\n'))
        {
            var line = sseEvent[range];
            if (line.StartsWith("data:"u8))
            {
                var value = line[5..];
                return value.StartsWith(" "u8) ? value[1..] : value;
            }
        }
        return default;
    }

    private static bool HasMethod(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("method"u8))
            {
                return true;
            }
            reader.Read();
            reader.Skip();
        }
        return false;
    }
}
