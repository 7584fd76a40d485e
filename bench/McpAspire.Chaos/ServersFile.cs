using System.Text.Json.Nodes;

namespace McpAspire.Chaos;

/// <summary>The soak's own gateway servers file (<c>--Gateway:ServersFile</c>): the stdio peer, or nothing.</summary>
public sealed class ServersFile
{
    private readonly string _peerDll;

    public ServersFile(string path, string peerDll)
    {
        Path = path;
        _peerDll = peerDll;
    }

    public string Path { get; }

    /// <summary>Writes the file (atomically: a rename, so the gateway's reload never reads half of it).</summary>
    public void Write(bool withPeer)
    {
        var servers = new JsonObject();
        if (withPeer)
        {
            servers[StdioPeer.ServerName] = new JsonObject
            {
                ["command"] = "dotnet",
                ["args"] = new JsonArray(_peerDll, "stdio-peer"),
            };
        }
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, new JsonObject { ["mcpServers"] = servers }.ToJsonString());
        File.Move(temporary, Path, overwrite: true);
    }
}
