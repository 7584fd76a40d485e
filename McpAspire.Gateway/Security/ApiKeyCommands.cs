namespace McpAspire.Gateway.Security;

/// <summary>
/// The gateway's two command-line helpers for API keys: <c>hash-key KEY</c> prints the value for
/// <c>Gateway:Auth:ApiKeys:N:Hash</c>; <c>new-key</c> prints a new random key and its hash.
/// </summary>
public static class ApiKeyCommands
{
    /// <summary>Runs a command when <paramref name="args"/> is one; false otherwise (start the gateway).</summary>
    public static bool TryRun(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        switch (args)
        {
            case ["hash-key", var key]:
                output.WriteLine(ApiKeyHasher.Hash(key));
                return true;
            case ["new-key"]:
                var fresh = ApiKeyHasher.NewKey();
                output.WriteLine($"key:  {fresh}");
                output.WriteLine($"hash: {ApiKeyHasher.Hash(fresh)}");
                return true;
            default:
                return false;
        }
    }
}
