using System.Collections.Concurrent;

namespace McpAspire.TestSupport;

/// <summary>A stand-in load balancer for tests of replicas: sends each request to the next replica in turn (round robin, no affinity).</summary>
public sealed class AlternatingHandler(params Uri[] replicas) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentDictionary<int, int> _posts = new();
    private int _next;

    public int PostsTo(Uri replica) => _posts.GetValueOrDefault(replica.Port);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = replicas[(int)((uint)Interlocked.Increment(ref _next) % (uint)replicas.Length)];
        request.RequestUri = new UriBuilder(request.RequestUri!) { Port = target.Port }.Uri;
        if (request.Method == HttpMethod.Post)
        {
            _posts.AddOrUpdate(target.Port, 1, (_, n) => n + 1);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
