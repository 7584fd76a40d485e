namespace McpAspire.ServiceDefaults.Redaction;

/// <summary>Public in the service defaults (the dashboard and services use it); see SecretText.cs.</summary>
public static partial class SecretText;
