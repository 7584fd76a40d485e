using System.Net;
using System.Text.RegularExpressions;
using McpAspire.StateService.Client;
using Microsoft.Extensions.Options;

namespace McpAspire.SessionSharing;

/// <summary>
/// The shared session records in the state service: one state service session per MCP session, same id, the idle
/// timeout as its sliding TTL (every read slides it). Unreachable, 5xx, 429 or slower than
/// <see cref="SessionSharingOptions.RequestTimeout"/> → <see cref="SessionStoreUnavailableException"/>.
/// </summary>
public sealed partial class StateSessionDirectory
{
    private readonly StateServiceClient _client;
    private readonly string _principal;
    private readonly long _idleTtlSeconds;

    /// <summary>Creates the directory over a state service client.</summary>
    public StateSessionDirectory(StateServiceClient client, IOptions<SessionSharingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _principal = options.Value.Principal;
        _idleTtlSeconds = Math.Max(1, (long)Math.Ceiling(options.Value.IdleTimeout.TotalSeconds));
    }

    /// <summary>Ids the SDK mints (base64url of 16 bytes) and the state service accepts.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{16,128}$")]
    public static partial Regex SessionIdPattern();

    /// <summary>Stores a new record.</summary>
    public async Task CreateAsync(SharedSessionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!SessionIdPattern().IsMatch(record.Id))
        {
            throw new ArgumentException($"Session id '{record.Id}' is not one the state service accepts (16-128 of A-Z a-z 0-9 _ -).", nameof(record));
        }
        var request = new CreateSessionRequest(IdleTtlSeconds: _idleTtlSeconds, Attributes: record.ToAttributes(), Id: record.Id);
        try
        {
            await _client.CreateSessionAsync(_principal, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Reads a record (sliding its idle TTL); null when there is none (never was, deleted or expired).</summary>
    public async Task<SharedSessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!SessionIdPattern().IsMatch(sessionId))
        {
            return null; // no such id can exist; spare the round trip (and the service's 400)
        }
        try
        {
            var session = await _client.GetSessionAsync(_principal, sessionId, cancellationToken).ConfigureAwait(false);
            return session is null ? null : SharedSessionRecord.FromSession(session);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Deletes a record; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!SessionIdPattern().IsMatch(sessionId))
        {
            return false;
        }
        try
        {
            return await _client.DeleteSessionAsync(_principal, sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>True for failures that mean the service (or its Redis) is down, overloaded or unreachable.</summary>
    internal static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        StateServiceException s => s.StatusCode is null || (int)s.StatusCode.Value >= 500 || s.StatusCode == HttpStatusCode.TooManyRequests,
        HttpRequestException or IOException => true,
        // HttpClient.Timeout surfaces as a cancellation nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static SessionStoreUnavailableException Unavailable(Exception exception) =>
        new("The state service is unavailable: " + exception.Message, exception);
}
