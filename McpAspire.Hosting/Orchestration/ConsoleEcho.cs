namespace McpAspire.Hosting.Orchestration;

/// <summary>Writes resource output to the AppHost's console with a padded, coloured resource prefix.</summary>
internal sealed class ConsoleEcho
{
    private static readonly ConsoleColor[] s_colors = [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkMagenta];
    private readonly Lock _lock = new();
    private readonly bool _enabled;
    private readonly bool _color;
    private readonly int _width;

    public ConsoleEcho(bool enabled, int prefixWidth)
    {
        _enabled = enabled;
        _color = enabled && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        _width = prefixWidth;
    }

    public void Line(string prefix, int colorIndex, string text, bool isError)
    {
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (_color)
            {
                Console.ForegroundColor = s_colors[colorIndex % s_colors.Length];
                Console.Out.Write(prefix.PadRight(_width));
                Console.Out.Write(" | ");
                Console.ResetColor();
                if (isError)
                {
                    Console.ForegroundColor = ConsoleColor.Red;
                }
                Console.Out.WriteLine(text);
                Console.ResetColor();
            }
            else
            {
                Console.Out.WriteLine($"{prefix.PadRight(_width)} | {text}");
            }
        }
    }

    /// <summary>An AppHost message (not from a resource).</summary>
    public void Info(string text)
    {
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            Console.Out.WriteLine(text);
        }
    }
}
