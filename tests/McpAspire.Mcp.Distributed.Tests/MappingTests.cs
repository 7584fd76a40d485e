using System.Text.Json;
using McpAspire.Mcp.Distributed.Sessions;
using McpAspire.Mcp.Distributed.State;
using McpAspire.Mcp.Sessions;
using McpAspire.StateService.Client;

namespace McpAspire.Mcp.Distributed.Tests;

/// <summary>Unit tests of how records, stream ids and events are laid out in the state service.</summary>
public sealed class MappingTests
{
    [Theory]
    [InlineData("__get__", "__get__")]
    [InlineData("42", "42")]
    [InlineData("req-1.a:b/c", "req-1.a:b/c")]
    public void Stream_ids_that_fit_the_state_service_pass_unchanged(string streamId, string expected) =>
        Assert.Equal(expected, StateStreamNames.For(streamId));

    [Fact]
    public void Other_stream_ids_are_encoded_injectively_and_always_fit()
    {
        var ids = new[] { "has space", "b:1", "h:1", "\"quoted\"", "ü", new string('x', 129), new string('x', 200), new string('y', 200), "" + (char)0 };
        var names = ids.Select(StateStreamNames.For).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^[A-Za-z0-9_.:/-]{1,128}$", n));
        Assert.All(names, n => Assert.True(n.StartsWith("b:", StringComparison.Ordinal) || n.StartsWith("h:", StringComparison.Ordinal), n));
        Assert.NotEqual("b:1", StateStreamNames.For("b:1"));
    }

    [Fact]
    public void Session_record_round_trips_through_attributes_with_large_initialize_params_split_below_the_limit()
    {
        // clientInfo with a big icon data URI and non-BMP characters: far over one 4096-character attribute.
        var icon = "data:image/png;base64," + new string('A', 20_000);
        var init = JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            protocolVersion = "2025-11-25",
            capabilities = new { sampling = new { } },
            clientInfo = new { name = "big 😀 client", version = "1", icons = new[] { new { src = icon } } },
        })).RootElement.Clone();
        var record = new McpSessionRecord("AAAAAAAAAAAAAAAAAAAAAA", "user-1", "2025-11-25", init, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var attributes = StateServiceMcpSessionStore.ToAttributes(record);
        Assert.All(attributes.Values, v => Assert.True(v.Length <= 4096, $"{v.Length} characters"));
        Assert.True(attributes.Count is > 5 and <= 64, $"{attributes.Count} attributes");

        var stored = new SessionRecord(record.Id, "mcp-endpoint", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 60, null, attributes);
        var back = StateServiceMcpSessionStore.FromSession(stored);
        Assert.Equal(record.UserId, back.UserId);
        Assert.Equal(record.ProtocolVersion, back.ProtocolVersion);
        Assert.Equal(init.GetRawText(), back.InitializeParams!.Value.GetRawText());
    }

    [Fact]
    public void Initialize_params_beyond_what_the_store_keeps_are_refused_clearly()
    {
        var init = JsonDocument.Parse(JsonSerializer.Serialize(new { clientInfo = new { name = new string('n', 300_000) } })).RootElement.Clone();
        var record = new McpSessionRecord("AAAAAAAAAAAAAAAAAAAAAA", null, "2025-11-25", init, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var ex = Assert.Throws<InvalidOperationException>(() => StateServiceMcpSessionStore.ToAttributes(record));
        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_envelopes_carry_message_retry_priming_and_end()
    {
        var message = """{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"""u8.ToArray();
        using (var doc = StateEventEnvelope.Message(message, TimeSpan.FromMilliseconds(1500)))
        {
            Assert.True(StateEventEnvelope.TryDecode(7, doc.RootElement, out var e));
            Assert.Equal(7, e.Sequence);
            Assert.Equal(message, e.Data.ToArray());
            Assert.Equal(TimeSpan.FromMilliseconds(1500), e.RetryAfter);
        }
        using (var priming = StateEventEnvelope.Message(ReadOnlySpan<byte>.Empty, null))
        {
            Assert.True(StateEventEnvelope.TryDecode(8, priming.RootElement, out var p));
            Assert.True(p.Data.IsEmpty);
            Assert.Null(p.RetryAfter);
        }
        using var end = StateEventEnvelope.End();
        Assert.False(StateEventEnvelope.TryDecode(9, end.RootElement, out _));
    }
}
