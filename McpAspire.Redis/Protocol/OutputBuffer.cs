using System.Buffers;

namespace McpAspire.Redis.Protocol;

/// <summary>
/// A growable byte buffer from the array pool that commands are encoded into. Two of them are swapped by the write
/// loop so callers keep appending while the previous batch is on the wire.
/// </summary>
internal sealed class OutputBuffer : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 16 * 1024;
    private const int KeepAtMost = 1024 * 1024;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _count;

    public int Count => _count;

    public ReadOnlyMemory<byte> WrittenMemory => new(_buffer, 0, _count);

    public void Advance(int count) => _count += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_count);
    }

    /// <summary>Empties the buffer; a very large one goes back to the pool so one huge batch does not pin memory.</summary>
    public void Reset()
    {
        _count = 0;
        if (_buffer.Length > KeepAtMost)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _count = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }
        if (_buffer.Length - _count >= sizeHint)
        {
            return;
        }
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _count + sizeHint));
        _buffer.AsSpan(0, _count).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = grown;
    }
}
