using McpAspire.StateService;

var app = StateServiceApp.Build(args);
app.Run();

/// <summary>Entry point, visible to tests and the AppHost's typed project reference.</summary>
public partial class Program;
