// The topology lives here once McpAspire.Hosting lands (issue 4).
Console.WriteLine("McpAspire.AppHost: orchestration is not implemented yet.");
return 1;
