using System.Threading.Channels;

namespace McpAspire.Redis;

/// <summary>
/// Messages of one subscription, in order, as StackExchange.Redis's <c>ChannelMessageQueue</c>: read them with
/// <see cref="ReadAsync"/> or <c>await foreach</c>. The queue is unbounded: a reader that stops reading keeps messages
/// in memory, so unsubscribe when done.
/// </summary>
public sealed class ChannelMessageQueue : IAsyncEnumerable<ChannelMessage>
{
    private readonly Channel<ChannelMessage> _queue = System.Threading.Channels.Channel.CreateUnbounded<ChannelMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly PubSub.RedisSubscriber _owner;

    internal ChannelMessageQueue(RedisChannel channel, PubSub.RedisSubscriber owner, Action<RedisChannel, RedisValue>? handler)
    {
        Channel = channel;
        _owner = owner;
        Handler = handler;
    }

    /// <summary>The subscribed channel or pattern.</summary>
    public RedisChannel Channel { get; }

    internal Action<RedisChannel, RedisValue>? Handler { get; }

    /// <summary>Completes when the subscription ends.</summary>
    public Task Completion => _queue.Reader.Completion;

    /// <summary>The next message; throws <see cref="ChannelClosedException"/> after unsubscribe.</summary>
    public ValueTask<ChannelMessage> ReadAsync(CancellationToken cancellationToken = default) => _queue.Reader.ReadAsync(cancellationToken);

    /// <summary>A message if one is waiting.</summary>
    public bool TryRead(out ChannelMessage message) => _queue.Reader.TryRead(out message);

    /// <summary>Ends this subscription (the channel stays subscribed while other handlers or queues use it).</summary>
    public Task UnsubscribeAsync(CommandFlags flags = CommandFlags.None) => _owner.RemoveQueueAsync(this, CancellationToken.None);

    /// <inheritdoc />
    public async IAsyncEnumerator<ChannelMessage> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out var message))
            {
                yield return message;
            }
        }
    }

    internal void Write(in ChannelMessage message) => _queue.Writer.TryWrite(message);

    internal void Complete() => _queue.Writer.TryComplete();

    /// <summary>Runs the handler for each message in order until the queue completes.</summary>
    internal async Task PumpAsync(Action<ChannelMessage, Exception> onHandlerError)
    {
        var handler = Handler!;
        await foreach (var message in this.ConfigureAwait(false))
        {
            try
            {
                handler(message.Channel, message.Message);
            }
#pragma warning disable CA1031 // A subscriber's exception must not stop delivery to it or to others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onHandlerError(message, ex);
            }
        }
    }
}
