using McpAspire.Chaos;

namespace McpAspire.Chaos.Tests;

/// <summary>
/// The short chaos soak: the real AppHost for 50 s under load while a gateway replica, the tool host and the state
/// service are killed. The invariants hold (no message lost, duplicated or out of order; no request without an answer;
/// no empty 5xx; no error outside a fault window; no 2025 session lost) and every fault is recovered from. How fast
/// is a figure of the 5-minute soak (bench/run.sh chaos), not a pass/fail here: recovery only has to come.
/// </summary>
public sealed class ShortSoakTests
{
    [Fact]
    public async Task Under_faults_no_message_is_lost_or_duplicated_no_request_hangs_and_everything_recovers()
    {
        var (summary, recorder) = await ChaosRun.RunAsync(ChaosOptions.Short());
        var log = string.Join("\n", recorder.Log);

        Assert.True(summary.Faults.Count >= 3, "faults injected:\n" + log);
        Assert.True(summary.Ledger.SentCount > 20, $"only {summary.Ledger.SentCount} messages sent:\n" + log);
        Assert.Equal(0, summary.Ledger.Lost);
        Assert.Equal(0, summary.Ledger.Duplicated);
        Assert.Equal(0, summary.Ledger.OutOfOrder);
        Assert.Equal(0, summary.Ledger.Unexpected);
        Assert.True(summary.Hung == 0, Describe(summary.Requests.Where(r => r.Outcome == Outcome.Hung)) + "\n" + log);
        Assert.True(summary.Empty5xx == 0, Describe(summary.Requests.Where(r => r.Outcome == Outcome.Empty5xx)) + "\n" + log);
        Assert.True(summary.ErrorsOutsideWindows.Count == 0, Describe(summary.ErrorsOutsideWindows) + "\n" + log);
        Assert.True(summary.SessionLosses.Count == 0, $"{summary.SessionLosses.Count} sessions lost\n" + log);
        Assert.True(summary.SlowRecoveries(TimeSpan.FromSeconds(60)).Count == 0, "not recovered:\n" + log);
    }

    private static string Describe(IEnumerable<RequestRecord> records) =>
        string.Join("\n", records.Take(20).Select(r => $"{r.Start:F1}s {r.Kind} {r.Outcome} {r.Status} {r.RpcCode} {r.LatencyMs:F0} ms {r.Detail}"));
}
