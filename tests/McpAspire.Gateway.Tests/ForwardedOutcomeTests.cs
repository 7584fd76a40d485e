using System.Text;
using McpAspire.Gateway.Forwarding;

namespace McpAspire.Gateway.Tests;

/// <summary>The relay's scanners: what a relayed JSON body or SSE stream says about the answer, however it is cut.</summary>
public sealed class ForwardedOutcomeTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"content":[]}}""", true, null)]
    [InlineData("""{"result":{"isError":true},"id":"a","jsonrpc":"2.0"}""", true, null)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"message":"bad","code":-32602}}""", true, -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":{"odd":[1,{"result":2}]},"error":{"code":-32004,"data":{"code":1}}}""", true, -32004)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":"not an object"}""", true, -32603)]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"result":1}}""", false, null)]
    [InlineData("""not json""", true, -32603)]
    public void A_whole_message_is_a_result_an_error_with_its_code_or_not_the_answer(string json, bool isResponse, int? code)
    {
        var outcome = ForwardedOutcome.Classify(Encoding.UTF8.GetBytes(json), isFinalBlock: true);

        Assert.Equal(new ForwardedOutcome(isResponse, code), outcome);
    }

    [Fact]
    public void The_first_chunk_of_a_json_body_decides_when_it_can_and_says_so_when_it_cannot()
    {
        var json = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":"a-long-request-id","error":{"code":-32602,"message":"bad"}}""");

        Assert.Null(ForwardedOutcome.Classify(json.AsSpan(0, 30), isFinalBlock: false));
        Assert.Equal(new ForwardedOutcome(true, -32602), ForwardedOutcome.Classify(json.AsSpan(0, json.Length - 10), isFinalBlock: false));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void An_sse_stream_yields_its_answer_whatever_the_chunk_boundaries(int chunk)
    {
        var stream = Encoding.UTF8.GetBytes(
            ": a comment\r\n"
            + "id: 1\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\r\n\r\n"
            + "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\n"
            + "data: \"error\":{\"code\":-32001,\"message\":\"gone\"}}\n\n");
        using var watcher = new SseOutcomeWatcher();

        for (var offset = 0; offset < stream.Length; offset += chunk)
        {
            Assert.Null(watcher.Response);
            watcher.Feed(stream.AsSpan(offset, Math.Min(chunk, stream.Length - offset)));
        }

        Assert.Equal(new ForwardedOutcome(true, -32001), watcher.Response);
    }

    [Fact]
    public void An_sse_stream_of_notifications_only_has_no_answer_and_a_large_event_is_read_whole()
    {
        using var watcher = new SseOutcomeWatcher();
        watcher.Feed(Encoding.UTF8.GetBytes("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}\n\n"));
        Assert.Null(watcher.Response);

        var big = new string('x', 100_000);
        watcher.Feed(Encoding.UTF8.GetBytes("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"text\":\"" + big + "\"}}\n\n"));

        Assert.Equal(new ForwardedOutcome(true, null), watcher.Response);
    }
}
