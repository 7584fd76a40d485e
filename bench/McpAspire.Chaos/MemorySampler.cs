namespace McpAspire.Chaos;

/// <summary>Samples the resident memory of every gateway replica and the tool host every 2 s.</summary>
public static class MemorySampler
{
    public static async Task RunAsync(int appHostPid, Recorder recorder, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            do
            {
                foreach (var process in AppTopology.Find(appHostPid).Where(p => p.Resource is AppTopology.Gateway or AppTopology.ToolHost))
                {
                    if (AppTopology.RssMiB(process.Pid) is { } rss)
                    {
                        recorder.Memory.Enqueue(new MemorySample(recorder.Now, process.Resource, process.Pid, rss));
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
