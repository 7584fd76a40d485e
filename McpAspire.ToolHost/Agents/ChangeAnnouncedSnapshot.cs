namespace McpAspire.ToolHost.Agents;

/// <summary>
/// A value read from Redis and kept until a change is announced (an event on the events channel, a reconnect): the
/// steady state costs no round trip. A read that raced with an announcement is used once and not kept.
/// </summary>
internal sealed class ChangeAnnouncedSnapshot<T>
    where T : class
{
    private readonly Func<CancellationToken, Task<T>> _load;
    private volatile T? _value;
    private long _version;

    public ChangeAnnouncedSnapshot(Func<CancellationToken, Task<T>> load) => _load = load;

    /// <summary>Forget the value; the next <see cref="GetAsync"/> reads again.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        _value = null;
    }

    public async ValueTask<T> GetAsync(CancellationToken cancellationToken)
    {
        if (_value is { } cached)
        {
            return cached;
        }
        var version = Interlocked.Read(ref _version);
        var value = await _load(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Read(ref _version) == version)
        {
            _value = value;
        }
        return value;
    }
}
