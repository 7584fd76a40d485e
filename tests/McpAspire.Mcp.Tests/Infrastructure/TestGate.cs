namespace McpAspire.Mcp.Tests.Infrastructure;

/// <summary>Lets a test hold a tool call open (to cut its stream mid-call) and release it later.</summary>
public sealed class TestGate
{
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
    }

    public void Release() => _release.TrySetResult();

    public void Reset()
    {
        _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
