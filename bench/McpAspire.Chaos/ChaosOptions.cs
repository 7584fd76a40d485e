using System.Globalization;

namespace McpAspire.Chaos;

/// <summary>What one soak runs: how long, with which seed, which faults, where the JSON lines and the PNG go.</summary>
public sealed record ChaosOptions
{
    /// <summary>How long the workload runs under faults (the AppHost's start and stop come on top).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Seeds the fault schedule and the choice of replica to kill (logged, so a run can be repeated).</summary>
    public int Seed { get; init; } = 20;

    /// <summary>Where <c>chaos-*.jsonl</c> and <c>chaos-*.png</c> are written; null writes nothing but the console lines.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>A SIGKILL of a random gateway replica this often (the first one after the same interval).</summary>
    public TimeSpan GatewayKillInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The one-off faults, each once, in an order drawn from the seed.</summary>
    public IReadOnlyList<FaultKind> OneOffFaults { get; init; } =
        [FaultKind.KillToolHost, FaultKind.KillStateService, FaultKind.StopStateService, FaultKind.RestartRedis, FaultKind.ReplaceStdioServer];

    /// <summary>Seconds after a fault during which errors count as "in its window" (and recovery must happen).</summary>
    public TimeSpan FaultWindow { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The client timeout of every request: a request without an answer by then is counted as hung.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Concurrent 2025-era session clients (each with an open GET stream).</summary>
    public int SessionClients { get; init; } = 3;

    /// <summary>Concurrent 2026-07-28 stateless clients.</summary>
    public int StatelessClients { get; init; } = 3;

    /// <summary>Sender/receiver agent pairs exchanging messages through the tool host.</summary>
    public int AgentPairs { get; init; } = 2;

    /// <summary>Pause between two requests of one client (keeps a 2-core machine from being only load).</summary>
    public TimeSpan ThinkTime { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A short run for CI: 50 s, a gateway kill every 20 s, the tool host and state service killed once.</summary>
    public static ChaosOptions Short(int seed = 20) => new()
    {
        Duration = TimeSpan.FromSeconds(50),
        Seed = seed,
        GatewayKillInterval = TimeSpan.FromSeconds(20),
        OneOffFaults = [FaultKind.KillToolHost, FaultKind.KillStateService],
        SessionClients = 2,
        StatelessClients = 2,
        AgentPairs = 1,
    };

    /// <summary>Parses <c>[--duration 5m|90s] [--seed N] [--out DIR] [--short]</c>.</summary>
    public static ChaosOptions Parse(IReadOnlyList<string> args, string defaultOutput)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = args.Contains("--short") ? Short() : new ChaosOptions();
        options = options with { OutputDirectory = defaultOutput };
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--short":
                    break;
                case "--duration":
                    options = options with { Duration = ParseDuration(Value(args, ++i, "--duration")) };
                    break;
                case "--seed":
                    options = options with { Seed = int.Parse(Value(args, ++i, "--seed"), CultureInfo.InvariantCulture) };
                    break;
                case "--out":
                    options = options with { OutputDirectory = Path.GetFullPath(Value(args, ++i, "--out")) };
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: chaos [--duration 5m] [--seed N] [--out DIR] [--short]");
            }
        }
        return options;
    }

    /// <summary>"5m", "90s", "1m30s" or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return TimeSpan.FromSeconds(plain);
        }
        var total = TimeSpan.Zero;
        var number = "";
        foreach (var c in text)
        {
            if (char.IsDigit(c) || c == '.')
            {
                number += c;
                continue;
            }
            var value = double.Parse(number, CultureInfo.InvariantCulture);
            total += c switch
            {
                'h' => TimeSpan.FromHours(value),
                'm' => TimeSpan.FromMinutes(value),
                's' => TimeSpan.FromSeconds(value),
                _ => throw new FormatException($"Bad duration '{text}' (use e.g. 5m, 90s, 1m30s)."),
            };
            number = "";
        }
        return number.Length == 0 ? total : throw new FormatException($"Bad duration '{text}' (use e.g. 5m, 90s, 1m30s).");
    }

    private static string Value(IReadOnlyList<string> args, int i, string name) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{name} needs a value.");
}
