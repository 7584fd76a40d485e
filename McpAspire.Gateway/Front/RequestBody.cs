using System.Buffers;

namespace McpAspire.Gateway.Front;

/// <summary>
/// A request body read whole into a buffer from the shared pool (returned on dispose, when the response completes).
/// Reading more than the limit fails with the 413 <see cref="Microsoft.AspNetCore.Http.BadHttpRequestException"/>
/// Kestrel itself throws, so both ways of exceeding it are answered alike.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private RequestBody(byte[] array, int length)
    {
        Array = array;
        Length = length;
    }

    /// <summary>The pooled array (longer than the body).</summary>
    public byte[] Array { get; private set; }

    /// <summary>Bytes of body in <see cref="Array"/>.</summary>
    public int Length { get; }

    /// <summary>The body.</summary>
    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    /// <summary>Reads <paramref name="body"/> to its end (at most <paramref name="limit"/> bytes).</summary>
    public static async Task<RequestBody> ReadAsync(Stream body, long? contentLength, int limit, CancellationToken cancellationToken)
    {
        var size = contentLength is long known and >= 0 ? (int)Math.Min(known, limit) + 1 : 4096;
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(size, 256));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == array.Length)
                {
                    if (length > limit)
                    {
                        throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(array.Length * 2);
                    array.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(array);
                    array = larger;
                }
                var read = await body.ReadAsync(array.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            if (length > limit)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }
            return new RequestBody(array, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var array = Array;
        Array = [];
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
