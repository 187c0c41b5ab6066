using CitizenWorkflows.Workflow.Production;

namespace CitizenWorkflows.Local.Credentials;

/// <summary>
/// The Local host signs cards with the development key in <c>.local/card-signing-key.pem</c> (in the working directory)
/// unless configuration holds a key or names another file (<c>CardSigning:DevelopmentKeyFile</c>).
/// </summary>
public static class LocalCardSigningKeyFile
{
    public static string DefaultPath => Path.Combine(Directory.GetCurrentDirectory(), ".local", "card-signing-key.pem");

    /// <summary>The development key file the host will use (null when a key is configured), made now so a damaged one
    /// stops start-up.</summary>
    public static string? UseUnlessKeyConfigured(ConfigurationManager configuration, bool onlyIfItExists = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[CardSigningKey.ConfigurationKey]))
        {
            return null;
        }

        string path = configuration[CardSigningKey.DevelopmentKeyFileKey] is { Length: > 0 } configured ? configured : DefaultPath;
        if (onlyIfItExists && !File.Exists(path))
        {
            return null;
        }

        DevelopmentCardSigningKey.LoadOrCreate(path);
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [CardSigningKey.DevelopmentKeyFileKey] = path });
        return path;
    }
}
