namespace McpAspire.Redis.Connections;

/// <summary>Lets timeouts name the command.</summary>
internal interface IHasCommand
{
    string CommandName { get; }
}
