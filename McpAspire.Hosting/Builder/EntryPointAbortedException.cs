namespace McpAspire.Hosting;

/// <summary>Thrown out of an AppHost's <c>Build()</c> under the testing builder, so its <c>Run()</c> never happens.</summary>
internal sealed class EntryPointAbortedException : Exception
{
    public EntryPointAbortedException() : base("The testing builder took over this AppHost; its entry point stops here.")
    {
    }

    public EntryPointAbortedException(string message) : base(message)
    {
    }

    public EntryPointAbortedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
