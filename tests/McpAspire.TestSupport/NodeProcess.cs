using System.Diagnostics;
using System.Text;

namespace McpAspire.TestSupport;

/// <summary>Runs Node 22 from tests/node with a deadline; the process is killed by PID if it overruns.</summary>
public static class NodeProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(NodePeers.NodeExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? NodePeers.Directory,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        psi.Environment["NO_COLOR"] = "1";
        using var process = new Process { StartInfo = psi };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"node {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}:\n{stdout}\n{stderr}");
        }
        process.WaitForExit(); // drains the asynchronous output readers
        return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
