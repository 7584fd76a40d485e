using k8s.Models;

namespace McpAspire.Kubernetes.Tests;

/// <summary>Secrets reach the pods only as references to the Secret the operator creates at deploy time.</summary>
[Collection(PublishedAppCollection.Name)]
public sealed class SecretHandlingTests(PublishedAppFixture fixture)
{
    [Fact]
    public void No_secret_value_appears_in_any_written_file()
    {
        var files = fixture.WithSecretValues.Files;
        Assert.NotEmpty(files);
        foreach (var (name, text) in files)
        {
            foreach (var secret in PublishedAppFixture.SecretValues)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name} holds a secret value");
            }
        }
        Assert.DoesNotContain(files.Keys, f => f == "secrets.env");
        Assert.DoesNotContain(fixture.WithSecretValues.LoadObjectsStrict(), o => o is V1Secret);
    }

    [Fact]
    public void Every_secret_reference_names_the_app_secret_and_a_key_listed_without_value_in_the_example()
    {
        foreach (var app in new[] { fixture.InCluster, fixture.ExternalRedis })
        {
            var example = app.Files["secrets.env.example"].Split('\n')
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .ToList();
            Assert.All(example, line => Assert.EndsWith("=", line));
            var keys = example.Select(l => l.TrimEnd('=')).ToHashSet();

            var references = app.Objects<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers[0].Env)
                .Concat(app.Objects<V1StatefulSet>().SelectMany(s => s.Spec.Template.Spec.Containers[0].Env))
                .Where(e => e.ValueFrom?.SecretKeyRef is not null)
                .Select(e => e.ValueFrom.SecretKeyRef)
                .ToList();
            Assert.NotEmpty(references);
            Assert.All(references, r => Assert.Equal("mcpaspire-secrets", r.Name));
            Assert.Equal(keys.Order(), references.Select(r => r.Key).Distinct().Order());
        }
        Assert.Contains("redis-connection-string=", fixture.ExternalRedis.Files["secrets.env.example"], StringComparison.Ordinal);
        Assert.Contains("redis-password=", fixture.InCluster.Files["secrets.env.example"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_key_and_redis_password_are_secret_key_refs_and_the_connection_string_composes_them()
    {
        var env = fixture.InCluster.Deployment("gateway").Spec.Template.Spec.Containers[0].Env;
        Assert.Equal("service-key", env.Single(e => e.Name == "ServiceAuth__Key").ValueFrom.SecretKeyRef.Key);
        var helper = env.Single(e => e.Name == "MCPASPIRE_SECRET_REDIS_PASSWORD");
        Assert.Equal("redis-password", helper.ValueFrom.SecretKeyRef.Key);
        var connection = env.Single(e => e.Name == "ConnectionStrings__redis");
        Assert.Equal("redis:6379,password=$(MCPASPIRE_SECRET_REDIS_PASSWORD)", connection.Value);
        // The kubelet expands $(NAME) only for variables defined earlier in the list.
        Assert.True(env.IndexOf(helper) < env.IndexOf(connection));

        var redis = fixture.InCluster.Objects<V1StatefulSet>().Single().Spec.Template.Spec.Containers[0];
        Assert.Contains("$(REDIS_PASSWORD)", redis.Args);
        Assert.Equal("redis-password", redis.Env.Single(e => e.Name == "REDIS_PASSWORD").ValueFrom.SecretKeyRef.Key);
    }
}
