using System.Security.Cryptography;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// A card-signing key for development machines (<c>CardSigning:DevelopmentKeyFile</c>): made on first use and kept in
/// that file (owner-only; the Local host's default is <c>.local/card-signing-key.pem</c>, ignored by git), so signatures
/// made in one run still verify in the next and no private key ever sits in the repository. Refused in Azure, where the
/// key is a Key Vault reference (<see cref="CardSigningKey.FromConfiguration"/>).
/// </summary>
public static class DevelopmentCardSigningKey
{
    /// <summary>The PEM in <paramref name="path"/>, generating and storing a new P-256 key when the file does not exist.</summary>
    public static string LoadOrCreate(string path) => Checked(OwnerOnlyFile.ReadOrCreate(path, Generate), path);

    static string Generate()
    {
        using CardSigningKey key = CardSigningKey.Generate();
        return key.ExportPrivateKeyPem();
    }

    // A damaged key file must stop the host with a way out, not sign with a fresh key that old cards do not verify against.
    static string Checked(string pem, string path)
    {
        try
        {
            using CardSigningKey _ = CardSigningKey.FromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{path} does not hold a P-256 card-signing key; delete it to generate a new one.", e);
        }

        return pem;
    }
}
