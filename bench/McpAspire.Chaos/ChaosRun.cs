using McpAspire.Chaos.Workload;

namespace McpAspire.Chaos;

/// <summary>
/// One soak: start the AppHost as users do, start the workload through the gateway front only, inject the seeded
/// faults (measuring each recovery), stop the workload, drain the mailboxes, stop the AppHost, compute the invariants.
/// </summary>
public static class ChaosRun
{
    public static async Task<(ChaosSummary Summary, Recorder Recorder)> RunAsync(ChaosOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var work = Directory.CreateTempSubdirectory("mcpaspire-chaos-").FullName;
        var servers = new ServersFile(Path.Combine(work, "mcp-servers.json"), typeof(ChaosRun).Assembly.Location);
        servers.Write(withPeer: true);
        var plan = FaultInjector.Plan(options);
        await using var app = AppHostRunner.Start(work, servers.Path);
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) }) { Timeout = Timeout.InfiniteTimeSpan };
        var startRecorder = new Recorder(TimeProvider.System);
        using (var startProbe = new HealthProbe(app.Pid, new McpCall(http, app.McpUrl, startRecorder, options.RequestTimeout), expectPeer: true))
        {
            Console.Error.WriteLine($"chaos: starting the AppHost (pid {app.Pid}), gateway {app.GatewayUrl}");
            await app.WaitUntilServingAsync(startProbe, TimeSpan.FromMinutes(4)).ConfigureAwait(false);
        }

        var recorder = new Recorder(TimeProvider.System);
        recorder.SampleLoad();
        recorder.Note($"serving; seed {options.Seed}, {options.Duration}, plan: {string.Join(", ", plan.Select(p => $"{p.At:F0}s {p.Kind}"))}");
        var ledger = new MessageLedger();
        var call = new McpCall(http, app.McpUrl, recorder, options.RequestTimeout);
        var pairs = Enumerable.Range(1, options.AgentPairs).Select(i => new AgentPair($"chaos-{options.Seed}-{i}", call, ledger, recorder, options.ThinkTime)).ToList();
        foreach (var pair in pairs)
        {
            await pair.RegisterAsync(cancellationToken).ConfigureAwait(false);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopSamples = new CancellationTokenSource();
        var stream = new GetStream(http, app.McpUrl, recorder, options.RequestTimeout);
        var clients = new List<Task>();
        clients.AddRange(Enumerable.Range(1, options.SessionClients).Select(i => Task.Run(() => new SessionClient($"s{i}", call, stream, recorder, options.ThinkTime).RunAsync(stop.Token))));
        clients.AddRange(Enumerable.Range(1, options.StatelessClients).Select(i => Task.Run(() => new StatelessClient($"c{i}", call, recorder, options.ThinkTime).RunAsync(stop.Token))));
        clients.AddRange(pairs.Select(p => Task.Run(() => p.SendAsync(stop.Token))));
        var receivers = pairs.Select(p => Task.Run(() => p.ReceiveAsync(stop.Token, TimeSpan.FromSeconds(30)))).ToList();
        var sampler = Task.Run(() => MemorySampler.RunAsync(app.Pid, recorder, stopSamples.Token));

        using var probe = new HealthProbe(app.Pid, new McpCall(http, app.McpUrl, recorder, options.RequestTimeout), expectPeer: true);
        var injector = new FaultInjector(options, app.Pid, recorder, probe, servers);
        await injector.RunAsync(plan, cancellationToken).ConfigureAwait(false);
        var left = options.Duration.TotalSeconds - recorder.Now;
        if (left > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(left), cancellationToken).ConfigureAwait(false);
        }
        var soakEnd = recorder.Now;
        recorder.SampleLoad();
        await stopSamples.CancelAsync().ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        recorder.Note("workload stopping; draining mailboxes");
        await Task.WhenAll(clients.Concat(receivers).Append(sampler)).ConfigureAwait(false);
        recorder.Note($"done: {recorder.Requests.Count} requests, {ledger.SentCount} messages sent, {ledger.ReceivedCount} received");
        return (new ChaosSummary(options, recorder, ledger, soakEnd), recorder);
    }
}
