using System.Text.Json;
using McpAspire.Hosting.Testing;

namespace McpAspire.Hosting.Tests.Manifest;

public sealed class ManifestTests
{
    private static readonly Lazy<MiniJsonSchemaValidator> s_validator = new(() =>
        new MiniJsonSchemaValidator(JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Manifest", "aspire-8.0.schema.json"))).RootElement));

    private static async Task<(JsonElement Manifest, string Directory)> PublishAppHostAsync()
    {
        var dir = Directory.CreateTempSubdirectory("mcpaspire-manifest-").FullName;
        var output = Path.Combine(dir, "out", "aspire-manifest.json");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>(["--publisher", "manifest", "--output-path", output]);
        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        return (JsonDocument.Parse(await File.ReadAllTextAsync(output)).RootElement.Clone(), Path.GetDirectoryName(output)!);
    }

    [Fact]
    public async Task The_AppHost_manifest_is_valid_against_the_aspire_schema_and_describes_the_topology()
    {
        var (manifest, dir) = await PublishAppHostAsync();
        try
        {
            var errors = s_validator.Value.Validate(manifest);
            Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
            Assert.Equal("https://json.schemastore.org/aspire-8.0.json", manifest.GetProperty("$schema").GetString());

            var resources = manifest.GetProperty("resources");
            Assert.Equal(["gateway", "redis", "redis-password", "service-key", "statesvc", "toolhost"], resources.EnumerateObject().Select(p => p.Name).Order());

            // The service key is a secret input generated at deploy time; services get a reference to it, never a value.
            var serviceKey = resources.GetProperty("service-key");
            Assert.Equal("parameter.v0", serviceKey.GetProperty("type").GetString());
            Assert.Equal("{service-key.inputs.value}", serviceKey.GetProperty("value").GetString());
            var keyInput = serviceKey.GetProperty("inputs").GetProperty("value");
            Assert.True(keyInput.GetProperty("secret").GetBoolean());
            Assert.Equal(32, keyInput.GetProperty("default").GetProperty("generate").GetProperty("minLength").GetInt32());
            foreach (var service in new[] { "statesvc", "toolhost", "gateway" })
            {
                var serviceEnv = resources.GetProperty(service).GetProperty("env");
                Assert.Equal("{service-key.value}", serviceEnv.GetProperty("ServiceAuth__Key").GetString());
                Assert.Equal("true", serviceEnv.GetProperty("ServiceAuth__Required").GetString());
            }

            var redis = resources.GetProperty("redis");
            Assert.Equal("container.v0", redis.GetProperty("type").GetString());
            Assert.Equal("docker.io/library/redis:7.4", redis.GetProperty("image").GetString());
            Assert.Equal(["--requirepass", "{redis-password.value}"], redis.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}", redis.GetProperty("connectionString").GetString());
            Assert.Equal(6379, redis.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32());

            var password = resources.GetProperty("redis-password");
            Assert.Equal("parameter.v0", password.GetProperty("type").GetString());
            Assert.Equal("{redis-password.inputs.value}", password.GetProperty("value").GetString());
            var input = password.GetProperty("inputs").GetProperty("value");
            Assert.True(input.GetProperty("secret").GetBoolean());
            Assert.Equal(22, input.GetProperty("default").GetProperty("generate").GetProperty("minLength").GetInt32());

            var gateway = resources.GetProperty("gateway");
            Assert.Equal("project.v0", gateway.GetProperty("type").GetString());
            var projectPath = gateway.GetProperty("path").GetString()!;
            Assert.False(Path.IsPathRooted(projectPath));
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(dir, projectPath))), $"{projectPath} does not resolve from {dir}");
            var env = gateway.GetProperty("env");
            Assert.Equal("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
            Assert.Equal("{statesvc.bindings.http.url}", env.GetProperty("services__statesvc__http__0").GetString());
            Assert.Equal("{toolhost.bindings.http.url}", env.GetProperty("services__toolhost__http__0").GetString());
            Assert.Equal("true", env.GetProperty("ASPNETCORE_FORWARDEDHEADERS_ENABLED").GetString());
            Assert.Equal("{gateway.bindings.http.targetPort}", env.GetProperty("HTTP_PORTS").GetString());
            Assert.Equal("*", env.GetProperty("Security__AllowedHosts").GetString());
            Assert.Equal("statesvc", resources.GetProperty("statesvc").GetProperty("env").GetProperty("Security__AllowedHosts").GetString());
            var http = gateway.GetProperty("bindings").GetProperty("http");
            Assert.True(http.GetProperty("external").GetBoolean());
            Assert.Equal(7080, http.GetProperty("port").GetInt32());
            Assert.False(resources.GetProperty("statesvc").GetProperty("bindings").GetProperty("http").TryGetProperty("external", out _));
            // Run-mode-only variables never reach the manifest.
            Assert.False(env.TryGetProperty("ASPNETCORE_URLS", out _));
            Assert.False(env.TryGetProperty("OTEL_EXPORTER_OTLP_ENDPOINT", out _));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"resources":{"x":{"type":"project.v0","path":"a.csproj","replicas":2}}}""", "replicas")]
    [InlineData("""{"resources":{"x":{"type":"container.v0"}}}""", "image")]
    [InlineData("""{"resources":{"x":{"type":"project.v0","path":"a.csproj","bindings":{"http":{"scheme":"ftp","protocol":"tcp","transport":"http"}}}}}""", "ftp")]
    [InlineData("""{"resources":{"x":{"type":"parameter.v0","value":"{x.inputs.value}"}}}""", "inputs")]
    [InlineData("""{"resources":{"x":{"type":"project.v0","path":"a.csproj","env":{"PORT":8080}}}}""", "PORT")]
    [InlineData("""{"nothing":{}}""", "resources")]
    public void The_schema_check_rejects_manifests_that_break_its_rules(string json, string expectedInError)
    {
        var errors = s_validator.Value.Validate(JsonDocument.Parse(json).RootElement);
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(expectedInError, StringComparison.Ordinal));
    }
}
