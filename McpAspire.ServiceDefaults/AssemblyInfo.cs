using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("McpAspire.ServiceDefaults.Tests")]
