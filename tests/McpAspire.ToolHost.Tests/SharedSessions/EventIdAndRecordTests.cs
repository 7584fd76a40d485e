using System.Security.Claims;
using McpAspire.SessionSharing;
using McpAspire.StateService.Client;

namespace McpAspire.ToolHost.Tests.SharedSessions;

/// <summary>The pieces of shared sessions that need no server: event ids and the session record's attributes.</summary>
public sealed class EventIdAndRecordTests
{
    [Theory]
    [InlineData("__get__")]
    [InlineData("42")]
    [InlineData("\"request id\" with spaces. and dots")]
    [InlineData("ünïcødé")]
    public void Event_ids_round_trip_for_any_stream_id(string streamId)
    {
        var id = EventIds.Format("AbCdEfGhIjKlMnOpQrStUv", streamId, 17);
        Assert.True(EventIds.TryParse(id, out var session, out var stream, out var sequence));
        Assert.Equal(("AbCdEfGhIjKlMnOpQrStUv", streamId, 17L), (session, stream, sequence));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("AbCdEfGhIjKlMnOpQrStUv.X19nZXRfXw.0")]
    [InlineData("AbCdEfGhIjKlMnOpQrStUv.X19nZXRfXw.-1")]
    [InlineData("AbCdEfGhIjKlMnOpQrStUv.X19nZXRfXw.1.2")]
    [InlineData("short.X19nZXRfXw.1")]
    [InlineData("AbCdEfGhIjKlMnOpQrStUv.!!!.1")]
    [InlineData("AbCdEfGhIjKlMnOpQrStUv..1")]
    public void Malformed_event_ids_do_not_parse(string eventId) =>
        Assert.False(EventIds.TryParse(eventId, out _, out _, out _));

    [Fact]
    public void A_record_with_large_initialize_params_splits_into_chunks_and_reads_back_whole()
    {
        var icon = new string('x', 9_000) + "😀" + new string('y', 3_999);
        var json = "{\"protocolVersion\":\"2025-11-25\",\"clientInfo\":{\"name\":\"c\",\"version\":\"1\",\"icon\":\"" + icon + "\"},\"capabilities\":{}}";
        var record = new SharedSessionRecord("AbCdEfGhIjKlMnOpQrStUv", "issuer|alice", "2025-11-25", json);
        var attributes = record.ToAttributes();
        Assert.All(attributes.Values, v => Assert.True(v.Length <= 4096));
        var session = new SessionRecord(record.Id, "toolhost", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 60, null, attributes);
        Assert.Equal(record, SharedSessionRecord.FromSession(session));
    }

    [Fact]
    public void A_session_belongs_only_to_the_caller_that_created_it()
    {
        static ClaimsPrincipal User(string id) => new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id)], "test"));
        var record = new SharedSessionRecord("AbCdEfGhIjKlMnOpQrStUv", SharedSessionRecord.UserKey(User("alice")), "2025-11-25", null);
        Assert.True(record.BelongsTo(User("alice")));
        Assert.False(record.BelongsTo(User("bob")));
        Assert.False(record.BelongsTo(new ClaimsPrincipal(new ClaimsIdentity())));
        var anonymous = record with { User = SharedSessionRecord.UserKey(null) };
        Assert.True(anonymous.BelongsTo(new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.False(anonymous.BelongsTo(User("alice")));
    }

    [Theory]
    [InlineData("2025-06-18", "2025-06-18")]
    [InlineData("2024-11-05", "2024-11-05")]
    [InlineData("1999-01-01", "2025-11-25")]
    [InlineData(null, "2025-11-25")]
    public void The_recorded_version_is_the_one_initialize_settles_on(string? requested, string negotiated) =>
        Assert.Equal(negotiated, StateSessionMigrationHandler.NegotiatedVersion(requested));
}
