using System.Buffers;

namespace McpAspire.Gateway.Forwarding;

/// <summary>
/// Follows a Server-Sent Events stream as its bytes go by (they are relayed unchanged elsewhere) and classifies each
/// event's <c>data</c> with <see cref="ForwardedOutcome"/>, to learn whether the stream carried the response and
/// whether it was an error. Lines may end in LF or CRLF; multi-line data is joined with LF as the SSE rules say.
/// </summary>
internal sealed class SseOutcomeWatcher : IDisposable
{
    private byte[] _line = ArrayPool<byte>.Shared.Rent(256);
    private int _lineLength;
    private byte[] _data = ArrayPool<byte>.Shared.Rent(256);
    private int _dataLength;
    private bool _hasData;

    /// <summary>The response, once an event carrying it has ended.</summary>
    public ForwardedOutcome? Response { get; private set; }

    /// <summary>Feeds the next bytes of the stream.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)'\n');
            if (end < 0)
            {
                Append(ref _line, ref _lineLength, bytes);
                return;
            }
            Append(ref _line, ref _lineLength, bytes[..end]);
            var line = _line.AsSpan(0, _lineLength);
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            OnLine(line);
            _lineLength = 0;
            bytes = bytes[(end + 1)..];
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            if (_hasData && ForwardedOutcome.Classify(_data.AsSpan(0, _dataLength), isFinalBlock: true) is { IsResponse: true } outcome)
            {
                Response = outcome;
            }
            _dataLength = 0;
            _hasData = false;
            return;
        }
        if (!line.StartsWith("data:"u8))
        {
            return; // event, id, retry and comments say nothing about the message
        }
        var value = line[5..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }
        if (_hasData)
        {
            Append(ref _data, ref _dataLength, "\n"u8);
        }
        Append(ref _data, ref _dataLength, value);
        _hasData = true;
    }

    private static void Append(ref byte[] buffer, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + bytes.Length));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_line);
        ArrayPool<byte>.Shared.Return(_data);
        _line = _data = [];
    }
}
