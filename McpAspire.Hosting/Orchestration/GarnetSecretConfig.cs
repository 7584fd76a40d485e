using System.Net.Sockets;
using System.Text.Json;

namespace McpAspire.Hosting.Orchestration;

/// <summary>
/// A Garnet configuration file holding only the password (<c>{"AuthenticationMode":"Password","Password":…}</c>), in a
/// fresh directory, readable by this user alone (0600 in a 0700 directory), passed with <c>--config-import-path</c> and
/// deleted once the server listens.
/// </summary>
internal sealed class GarnetSecretConfig
{
    private readonly string _directory;

    private GarnetSecretConfig(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    /// <summary>The file to pass to Garnet.</summary>
    public string Path { get; }

    /// <summary>True until <see cref="Delete"/> removed the file.</summary>
    public bool Exists => File.Exists(Path);

    public static GarnetSecretConfig Write(string password)
    {
        var directory = Directory.CreateTempSubdirectory("mcpaspire-garnet-").FullName;
        var path = System.IO.Path.Combine(directory, "auth.conf");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(path, options))
        using (var json = new Utf8JsonWriter(file))
        {
            json.WriteStartObject();
            json.WriteString("AuthenticationMode", "Password");
            json.WriteString("Password", password);
            json.WriteEndObject();
        }
        return new GarnetSecretConfig(directory, path);
    }

    /// <summary>Deletes the file once 127.0.0.1:<paramref name="port"/> accepts connections, or after <paramref name="limit"/>.</summary>
    public async Task DeleteWhenListeningAsync(int port, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        try
        {
            while (DateTime.UtcNow < deadline && Exists)
            {
                try
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, attempt.Token).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    await Task.Delay(100).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Delete();
        }
    }

    /// <summary>Removes the file and its directory (idempotent).</summary>
    public void Delete()
    {
        try
        {
            if (Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already gone or being removed by the other path.
        }
    }
}
