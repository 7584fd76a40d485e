using System.Security.Cryptography;

namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Generation rule for a parameter without a configured value (manifest <c>default.generate</c>).</summary>
public sealed record GeneratedParameterDefault(int MinLength = 22, bool Special = false)
{
    private const string LettersAndDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Specials = "-_.~";

    /// <summary>A cryptographically random value of <see cref="MinLength"/> characters.</summary>
    public string NewValue() => RandomNumberGenerator.GetString(Special ? LettersAndDigits + Specials : LettersAndDigits, MinLength);

    /// <summary>A random 32-character key (letters and digits) for API keys the AppHost hands out.</summary>
    public static string NewKey() => RandomNumberGenerator.GetString(LettersAndDigits, 32);
}
