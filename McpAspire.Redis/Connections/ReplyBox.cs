using System.Diagnostics;
using McpAspire.Redis.Protocol;
using McpAspire.Redis.Telemetry;

namespace McpAspire.Redis.Connections;

/// <summary>
/// The completion of one command: the task the caller awaits, its result processor and timing. One allocation besides
/// the task itself. Continuations run asynchronously so a slow caller never stalls the connection's read loop.
/// </summary>
internal sealed class ReplyBox<T> : TaskCompletionSource<T>, IReplySink, IHasCommand
{
    private readonly ResultProcessor<T> _processor;
    private readonly RedisCommand _command;

    // Rarely needed state lives in a second object so the common case (no telemetry listener, no token) stays small.
    private Extras? _extras;

    private sealed class Extras
    {
        public Activity? Activity;
        public long StartTimestamp;
        public EndpointTags? Tags;
        public CancellationTokenRegistration Cancellation;
    }

    public ReplyBox(RedisCommand command, ResultProcessor<T> processor)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _command = command;
        _processor = processor;
        QueuedAt = Environment.TickCount64;
    }

    public long QueuedAt { get; }

    public bool IsCompleted => Task.IsCompleted;

    public RedisCommand Command => _command;

    public string CommandName => _command.Name;

    /// <summary>Starts the span and timer when telemetry is on.</summary>
    public void StartTelemetry(EndpointTags tags)
    {
        if (!RedisTelemetry.IsEnabled)
        {
            return;
        }
        var extras = _extras ??= new Extras();
        extras.Tags = tags;
        extras.StartTimestamp = Stopwatch.GetTimestamp();
        var previous = Activity.Current;
        var activity = RedisTelemetry.ActivitySource.StartActivity(_command.Name, ActivityKind.Client);
        if (activity is not null)
        {
            // The span ends on the read loop; the caller's current activity stays what it was.
            Activity.Current = previous;
            activity.SetTag("db.system.name", "redis");
            activity.SetTag("db.operation.name", _command.Name);
            activity.SetTag("server.address", tags.Address);
            activity.SetTag("server.port", tags.BoxedPort);
            extras.Activity = activity;
        }
    }

    /// <summary>Cancels the task when the token fires; the reply, when it comes, is discarded.</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            (_extras ??= new Extras()).Cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((ReplyBox<T>)state!).Cancel(token), this);
        }
    }

    public void SetReply(in RespFrame frame)
    {
        if (Task.IsCompleted)
        {
            return;
        }
        if (frame.IsError)
        {
            Finish(RedisServerException.FromMessage(frame.GetString()));
            return;
        }
        T value;
        try
        {
            value = _processor.Parse(frame);
        }
        catch (Exception ex) when (ex is RedisException or InvalidCastException or FormatException or OverflowException)
        {
            Finish(ex);
            return;
        }
        StopTelemetry(null);
        _extras?.Cancellation.Dispose();
        TrySetResult(value);
    }

    public void SetFailure(Exception exception) => Finish(exception);

    public void Abandon()
    {
        StopTelemetry("canceled");
        _extras?.Cancellation.Dispose();
        TrySetCanceled();
    }

    private void Cancel(CancellationToken token)
    {
        StopTelemetry("canceled");
        TrySetCanceled(token);
    }

    private void Finish(Exception exception)
    {
        if (Task.IsCompleted)
        {
            return;
        }
        StopTelemetry(exception.GetType().Name);
        _extras?.Cancellation.Dispose();
        TrySetException(exception);
    }

    private void StopTelemetry(string? errorType)
    {
        if (_extras is not { } extras || Interlocked.Exchange(ref extras.Tags, null) is not { } tags)
        {
            return;
        }
        var seconds = Stopwatch.GetElapsedTime(extras.StartTimestamp).TotalSeconds;
        if (RedisTelemetry.OperationDuration.Enabled)
        {
            var tagList = new TagList
            {
                { "db.system.name", "redis" },
                { "db.operation.name", _command.Name },
                { "server.address", tags.Address },
                { "server.port", tags.BoxedPort },
            };
            if (errorType is not null)
            {
                tagList.Add("error.type", errorType);
            }
            RedisTelemetry.OperationDuration.Record(seconds, tagList);
        }
        if (extras.Activity is { } activity)
        {
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error);
            }
            activity.Dispose();
            extras.Activity = null;
        }
    }
}
