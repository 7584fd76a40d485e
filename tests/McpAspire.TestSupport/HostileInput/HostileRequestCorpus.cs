using System.Text;

namespace McpAspire.TestSupport.HostileInput;

/// <summary>
/// The hostile-input corpus every public HTTP endpoint is tested with: malformed and oversized bodies, hostile route
/// values and query strings, and hostile headers. What an endpoint must do with each: answer with a 4xx (or a 2xx when
/// the input happens to be acceptable), never a 5xx, never hang, and keep serving afterwards.
/// </summary>
public static class HostileRequestCorpus
{
    private const string Json = "application/json";

    /// <summary>Route values: traversal, NUL, glob and Lua/Redis meta characters, injection, huge, unicode trickery.</summary>
    public static IReadOnlyList<string> RouteValues { get; } =
    [
        "..%2F..%2Fetc%2Fpasswd",
        "%00",
        "*",
        "a*b?c[d]",
        "%27%20OR%201%3D1--",
        "%0d%0aSet-Cookie:%20x=1",
        "%E2%80%AE%E2%80%8Bname",
        "%FF%FE",
        "-1",
        "99999999999999999999999",
        new string('a', 4096),
        "%7B%22a%22%3A1%7D",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ];

    /// <summary>Query strings: repeated, huge, negative and overflowing paging values, garbage cursors.</summary>
    public static IReadOnlyList<string> Queries { get; } =
    [
        "limit=-1&count=-1&pageSize=-1",
        "limit=99999999999999999999&count=1e400&pageSize=NaN",
        "cursor=%00%FF%FE&after=*&since=not-a-date",
        "cursor=" + new string('z', 8192),
        "a=1&a=2&a=3&limit=1&limit=2",
        "%zz=%zz&=&&&=x",
        "access_token=secret&api_key=secret",
    ];

    /// <summary>Bodies a JSON endpoint must reject cleanly.</summary>
    public static IEnumerable<(string Name, byte[] Body, string? ContentType)> Bodies()
    {
        yield return ("empty body", [], Json);
        yield return ("null", Utf8("null"), Json);
        yield return ("number", Utf8("42"), Json);
        yield return ("string", Utf8("\"x\""), Json);
        yield return ("empty array", Utf8("[]"), Json);
        yield return ("empty object", Utf8("{}"), Json);
        yield return ("truncated object", Utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"), Json);
        yield return ("not JSON", Utf8("this is not json"), Json);
        yield return ("trailing garbage", Utf8("{}}}}"), Json);
        yield return ("comments and trailing commas", Utf8("{/*c*/\"a\":1,}"), Json);
        yield return ("deep nesting 100k", Utf8(new string('[', 100_000) + new string(']', 100_000)), Json);
        yield return ("deep object nesting", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000)), Json);
        yield return ("huge number", Utf8("{\"id\":1e400,\"limit\":123456789012345678901234567890,\"ttl\":-1e308}"), Json);
        yield return ("wrong types", Utf8("{\"id\":{},\"method\":[],\"params\":\"x\",\"jsonrpc\":2,\"ttlSeconds\":\"x\",\"metadata\":7}"), Json);
        yield return ("duplicate keys", Utf8("{\"a\":1,\"a\":2,\"jsonrpc\":\"2.0\",\"jsonrpc\":\"1.0\"}"), Json);
        yield return ("invalid UTF-8", [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0xFE, 0x22, 0x7D], Json);
        yield return ("lone surrogate escape", Utf8("{\"a\":\"\\uD800\\uDC00\\uDFFF\"}"), Json);
        yield return ("NUL characters", Utf8("{\"a\":\"\\u0000\",\"b\u0000\":1}"), Json);
        yield return ("BOM then JSON", [0xEF, 0xBB, 0xBF, .. Utf8("{}")], Json);
        yield return ("UTF-16 body", Encoding.Unicode.GetBytes("{\"a\":1}"), Json + "; charset=utf-16");
        yield return ("big string 6 MB", Utf8("{\"a\":\"" + new string('x', 6 * 1024 * 1024) + "\"}"), Json);
        yield return ("many keys", Utf8("{" + string.Join(',', Enumerable.Range(0, 50_000).Select(i => $"\"k{i}\":{i}")) + "}"), Json);
        yield return ("JSON-RPC batch of 10k", Utf8("[" + string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"ping\"}}")) + "]"), Json);
        yield return ("JSON-RPC unknown method", Utf8("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"../../admin\",\"params\":{}}"), Json);
        yield return ("form body", Utf8("a=1&b=2"), "application/x-www-form-urlencoded");
        yield return ("xml body", Utf8("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"), "application/xml");
        yield return ("protobuf garbage", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x12, 0x80], "application/x-protobuf");
        yield return ("no content type", Utf8("{}"), null);
        yield return ("bogus content type", Utf8("{}"), "application/json; charset=\"; boundary=\u0001");
    }

    /// <summary>Header sets a server must cope with (the client library refuses CR/LF, so those go through <see cref="RawHttpCases"/>).</summary>
    public static IEnumerable<(string Name, Dictionary<string, string> Headers)> HeaderSets()
    {
        yield return ("hostile Origin", new() { ["Origin"] = "https://evil.example" });
        yield return ("null Origin", new() { ["Origin"] = "null" });
        yield return ("garbage session id", new() { ["Mcp-Session-Id"] = new string('*', 300) });
        yield return ("unicode session id", new() { ["Mcp-Session-Id"] = "ｓｅｓｓｉｏｎ" });
        yield return ("garbage protocol version", new() { ["MCP-Protocol-Version"] = "9999-99-99'; DROP" });
        yield return ("garbage Last-Event-ID", new() { ["Last-Event-ID"] = "-1:*:" + new string('9', 200) });
        yield return ("garbage Authorization", new() { ["Authorization"] = "Bearer " + new string('.', 3000) });
        yield return ("basic Authorization", new() { ["Authorization"] = "Basic Zm9vOmJhcg==" });
        yield return ("garbage API key", new() { ["X-Api-Key"] = "\u00ff\u00fe" });
        yield return ("garbage traceparent", new() { ["traceparent"] = "00-zzzz-zzzz-zz", ["tracestate"] = new string(',', 1000) });
        yield return ("weird Accept", new() { ["Accept"] = "*/*;q=abc, text/event-stream;q=-1" });
        yield return ("huge cookie", new() { ["Cookie"] = "a=" + new string('c', 40_000) });
        yield return ("forwarded headers", new() { ["X-Forwarded-For"] = "1.2.3.4, <script>", ["X-Forwarded-Host"] = "evil.example", ["X-Forwarded-Proto"] = "gopher" });
        yield return ("range header", new() { ["Range"] = "bytes=-99999999999999999999" });
    }

    /// <summary>Raw HTTP/1.1 requests no HTTP client library would send: smuggling, broken framing, huge lines.</summary>
    public static IEnumerable<(string Name, Func<string, string> Request)> RawHttpCases()
    {
        yield return ("CRLF in header value", path => $"GET {path} HTTP/1.1\r\nHost: localhost\r\nX-A: a\rb\r\n\r\n");
        yield return ("NUL in path", path => $"GET {path}\0x HTTP/1.1\r\nHost: localhost\r\n\r\n");
        yield return ("no Host header", path => $"GET {path} HTTP/1.1\r\n\r\n");
        yield return ("two Host headers", path => $"GET {path} HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n");
        yield return ("evil Host header", path => $"GET {path} HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        yield return ("Content-Length and chunked", path => $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        yield return ("negative Content-Length", path => $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{{}}");
        yield return ("bad chunk size", path => $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n");
        yield return ("header line 100 KB", path => $"GET {path} HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('b', 100_000)}\r\n\r\n");
        yield return ("500 headers", path => $"GET {path} HTTP/1.1\r\nHost: localhost\r\n{string.Concat(Enumerable.Range(0, 500).Select(i => $"X-H{i}: v\r\n"))}\r\n");
        yield return ("request line 20 KB", path => $"GET {path}?{new string('q', 20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        yield return ("HTTP/0.9 style", path => $"GET {path}\r\n\r\n");
        yield return ("unknown method", path => $"BREW {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        yield return ("absolute-form to another host", path => $"GET http://evil.example{path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
