namespace McpAspire.ToolHost.Agents;

/// <summary>One failure a tool call ended with, as kept in the error history.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Tool">The tool called.</param>
/// <param name="Agent">The agent the call named (from, agentId, id or to), if any.</param>
/// <param name="Category">What failed (<see cref="ErrorCategories"/>).</param>
/// <param name="Severity"><c>warning</c>, <c>error</c> or <c>critical</c>.</param>
/// <param name="Message">What the caller was told.</param>
/// <param name="Attempts">Attempts made (more than 1 when the category's retry strategy retried it).</param>
/// <param name="Recovered">True when a retry cured the failure and the caller got a result; the entry keeps the last failure met.</param>
public sealed record ToolError(DateTimeOffset At, string Tool, string? Agent, string Category, string Severity, string Message, int Attempts, bool Recovered = false);

/// <summary>Result of <c>errors_list</c> and the <c>errors://recent</c> resource.</summary>
/// <param name="Errors">Matching errors, newest first.</param>
/// <param name="Count">Number returned.</param>
/// <param name="Totals">Errors counted since the keyspace was created, by <c>category:severity</c>.</param>
public sealed record ToolErrorReport(IReadOnlyList<ToolError> Errors, int Count, IReadOnlyDictionary<string, long> Totals);
