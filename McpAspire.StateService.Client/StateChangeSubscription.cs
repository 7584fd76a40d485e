using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace McpAspire.StateService.Client;

/// <summary>
/// An open <c>GET /events</c> stream. It exists only once the service has registered the subscription (the service
/// subscribes before it sends the response headers), so a caller can subscribe, then read state, then apply changes
/// without a gap between the two. Dispose to unsubscribe.
/// </summary>
public sealed class StateChangeSubscription : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _stream;
    private readonly StreamReader _reader;

    internal StateChangeSubscription(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _stream = stream;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    /// <summary>
    /// Changes as they arrive, until the service closes the stream or the token is cancelled. Throws
    /// <see cref="StateServiceException"/> (title <c>overflow</c>) when the subscriber fell behind.
    /// </summary>
    public async IAsyncEnumerable<StateChange> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? eventName = null;
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (eventName == "overflow")
                {
                    throw new StateServiceException(null, "overflow", "The change stream overflowed; resubscribe and resynchronise.");
                }
                if (eventName == "change" && data.Length > 0)
                {
                    yield return JsonSerializer.Deserialize(data.ToString(), StateJsonContext.Default.StateChange)!;
                }
                eventName = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(5).TrimStart());
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
