namespace McpAspire.TestSupport;

/// <summary>
/// The npm MCP peers installed by <c>test.sh</c> into <c>tests/node</c>: Node 22 itself, the TypeScript SDK,
/// the conformance suite and the downstream servers.
/// </summary>
public static class NodePeers
{
    /// <summary>The <c>tests/node</c> folder.</summary>
    public static string Directory => RepoPaths.Combine("tests", "node");

    /// <summary>The Node 22 executable from the npm package <c>node</c>.</summary>
    public static string NodeExecutable => Require(Path.Combine(Directory, "node_modules", "node", "bin", "node"));

    /// <summary>The entry script of an installed package's binary, e.g. <c>("@modelcontextprotocol/server-everything", "dist/index.js")</c>.</summary>
    public static string PackageFile(string package, string relativePath) =>
        Require(Path.Combine([Directory, "node_modules", .. package.Split('/'), .. relativePath.Split('/')]));

    /// <summary>A script in <c>node_modules/.bin</c>.</summary>
    public static string Bin(string name) => Require(Path.Combine(Directory, "node_modules", ".bin", name));

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run ./test.sh (it runs 'npm ci' in tests/node).");
}
