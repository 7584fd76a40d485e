namespace McpAspire.ToolHost.Tests;

/// <summary>Settings for a tool host with agent features on a test's Redis, under a key prefix of its own (tests share a server).</summary>
internal static class AgentSettings
{
    /// <summary>The connection string, a fresh prefix, and <c>ToolHost:Agents:{Key}</c> = value for each extra pair.</summary>
    public static Dictionary<string, string?> For(string connectionString, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = connectionString,
            ["ToolHost:Agents:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..8] + ":",
        };
        foreach (var (key, value) in extra)
        {
            settings["ToolHost:Agents:" + key] = value;
        }
        return settings;
    }
}
