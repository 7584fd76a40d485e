using System.Net.Sockets;
using System.Text;

namespace McpAspire.Hosting.Tests.Infrastructure;

/// <summary>A few raw RESP commands for tests (the real client lives in McpAspire.Redis).</summary>
internal static class RespProbe
{
    /// <summary>Sends AUTH (when a password is given) and then <paramref name="command"/>; returns the last reply line.</summary>
    public static async Task<string> SendAsync(string host, int port, string? password, params string[] command)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, port, cts.Token);
        var stream = tcp.GetStream();
        var sb = new StringBuilder();
        var expectedReplies = 1;
        if (password is not null)
        {
            Append(sb, ["AUTH", password]);
            expectedReplies++;
        }
        Append(sb, command);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), cts.Token);
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (CountReplies(text.ToString()) < expectedReplies)
        {
            var n = await stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                break;
            }
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "" : lines[^1].TrimStart('+');
    }

    private static void Append(StringBuilder sb, string[] parts)
    {
        sb.Append('*').Append(parts.Length).Append("\r\n");
        foreach (var p in parts)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(p)).Append("\r\n").Append(p).Append("\r\n");
        }
    }

    // Simple replies (+, -, :) are one line; bulk strings ($n) are two (or one for $-1).
    private static int CountReplies(string text)
    {
        var lines = text.Split("\r\n");
        var count = 0;
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var l = lines[i];
            if (l.StartsWith('$'))
            {
                if (l != "$-1")
                {
                    i++;
                }
                count++;
            }
            else if (l.Length > 0)
            {
                count++;
            }
        }
        return count;
    }
}
