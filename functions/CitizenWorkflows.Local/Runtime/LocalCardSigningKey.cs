using CitizenWorkflows.Workflow.Production;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// When no card-signing key is configured, the Local host makes one on first run and keeps it in
/// <c>.local/card-signing-key.pem</c> (ignored by git, readable by the owner only), so signatures made in one run
/// still verify in the next and no private key ever sits in the repository.
/// </summary>
public static class LocalCardSigningKey
{
    public static string DefaultPath => Path.Combine(Directory.GetCurrentDirectory(), ".local", "card-signing-key.pem");

    /// <summary>Adds the local key to configuration unless <c>CardSigning:PrivateKeyPem</c> already has one.</summary>
    public static string? AddIfMissing(ConfigurationManager configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[CardSigningKey.ConfigurationKey]))
        {
            return null;
        }

        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [CardSigningKey.ConfigurationKey] = LoadOrCreate(path) });
        return path;
    }

    /// <summary>The PEM in <paramref name="path"/>, generating and storing a new P-256 key when the file does not exist.</summary>
    public static string LoadOrCreate(string path) => Checked(OwnerOnlyFile.ReadOrCreate(path, Generate), path);

    static string Generate()
    {
        using CardSigningKey key = CardSigningKey.Generate();
        return key.ExportPrivateKeyPem();
    }

    // A damaged key file should stop the host at start-up, not at the first card it signs.
    static string Checked(string pem, string path)
    {
        try
        {
            using CardSigningKey _ = CardSigningKey.FromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"{path} does not hold a P-256 card-signing key; delete it to generate a new one.", e);
        }

        return pem;
    }
}
