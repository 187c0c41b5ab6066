using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// The private key that signs chip data: ECDSA on NIST P-256. In Azure its PKCS#8 PEM comes from Key Vault through
/// configuration <c>CardSigning:PrivateKeyPem</c>; on a development machine from <c>CardSigning:DevelopmentKeyFile</c>
/// (<see cref="DevelopmentCardSigningKey"/>).
/// </summary>
public sealed class CardSigningKey : IDisposable
{
    /// <summary>Where configuration holds the key's PEM.</summary>
    public const string ConfigurationKey = "CardSigning:PrivateKeyPem";

    /// <summary>Where configuration names a development key file, used only when <see cref="ConfigurationKey"/> is empty.</summary>
    public const string DevelopmentKeyFileKey = "CardSigning:DevelopmentKeyFile";

    /// <summary>Set by App Service and Azure Functions on every instance in Azure, never by Core Tools or the Local host.</summary>
    public const string AzureInstanceKey = "WEBSITE_INSTANCE_ID";

    readonly ECDsa key;

    CardSigningKey(ECDsa key)
    {
        this.key = key;
        VerificationKey = CardVerificationKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The public half, which card readers and <see cref="CardSigner.Verify"/> check signatures with.</summary>
    public CardVerificationKey VerificationKey { get; }

    /// <summary>First 16 hex digits of the SHA-256 of the public key's SubjectPublicKeyInfo.</summary>
    public string KeyId => VerificationKey.KeyId;

    /// <summary>A fresh random P-256 key.</summary>
    public static CardSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>
    /// Loads a P-256 private key from PEM (PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c>). Error messages
    /// never include the PEM, since it is a secret.
    /// </summary>
    public static CardSigningKey FromPem(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            ECParameters parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid?.Value != CardVerificationKey.P256Oid)
            {
                throw new CryptographicException("The card-signing key is not on curve P-256.");
            }

            return new CardSigningKey(key);
        }
        catch (ArgumentException e)
        {
            // ImportFromPem says "no PEM found" this way; callers see one exception type for every bad key.
            key.Dispose();
            throw new CryptographicException("The card-signing key PEM holds no EC private key.", e);
        }
        catch (CryptographicException)
        {
            // Also reached for a public-key-only PEM: exporting the private parameters fails.
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The key in <c>CardSigning:PrivateKeyPem</c>, else, off Azure, the one in <c>CardSigning:DevelopmentKeyFile</c>
    /// (made on first use); throws when neither applies.
    /// </summary>
    public static CardSigningKey FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? pem = configuration[ConfigurationKey];
        if (!string.IsNullOrWhiteSpace(pem))
        {
            return FromPem(pem);
        }

        string? developmentFile = configuration[DevelopmentKeyFileKey];
        if (string.IsNullOrWhiteSpace(developmentFile))
        {
            throw new InvalidOperationException(
                $"No card-signing key is configured ({ConfigurationKey}; on a development machine {DevelopmentKeyFileKey} names a file made on first use).");
        }

        // A key generated on one instance's disk would differ per instance and vanish with it: cards signed by it
        // could not be verified. In Azure the key is the Key Vault secret.
        return string.IsNullOrEmpty(configuration[AzureInstanceKey])
            ? FromPem(DevelopmentCardSigningKey.LoadOrCreate(developmentFile))
            : throw new InvalidOperationException(
                $"{DevelopmentKeyFileKey} is for development machines; in Azure set {ConfigurationKey} (a Key Vault reference to the secret card-signing-key).");
    }

    /// <summary>The private key as PKCS#8 PEM, for storing it where the host will load it from.</summary>
    public string ExportPrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

    /// <summary>An IEEE P1363 signature (r‖s, 64 bytes) over the SHA-256 of <paramref name="data"/>.</summary>
    internal byte[] Sign(byte[] data) => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => key.Dispose();
}

/// <summary>A card-signing public key (SubjectPublicKeyInfo), as handed to card readers and kept after key rotation.</summary>
public sealed class CardVerificationKey
{
    internal const string P256Oid = "1.2.840.10045.3.1.7";

    readonly byte[] subjectPublicKeyInfo;

    CardVerificationKey(byte[] subjectPublicKeyInfo, string keyId)
    {
        this.subjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyId = keyId;
    }

    /// <summary>First 16 hex digits of the SHA-256 of <see cref="SubjectPublicKeyInfo"/>.</summary>
    public string KeyId { get; }

    /// <summary>The DER SubjectPublicKeyInfo the key id is computed from.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => subjectPublicKeyInfo;

    /// <summary>The key as a <c>PUBLIC KEY</c> PEM.</summary>
    public string PublicKeyPem => PemEncoding.WriteString("PUBLIC KEY", subjectPublicKeyInfo);

    /// <summary>A P-256 public key from DER SubjectPublicKeyInfo; throws <see cref="CryptographicException"/> otherwise.</summary>
    public static CardVerificationKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out int read);
        if (read != subjectPublicKeyInfo.Length || key.ExportParameters(false).Curve.Oid?.Value != P256Oid)
        {
            throw new CryptographicException("Not a P-256 SubjectPublicKeyInfo.");
        }

        // Re-exported so the key id is computed over one DER form whatever encoding quirks the input had.
        byte[] canonical = key.ExportSubjectPublicKeyInfo();
        return new CardVerificationKey(canonical, Convert.ToHexStringLower(SHA256.HashData(canonical))[..16]);
    }

    /// <summary>A P-256 public key from a <c>PUBLIC KEY</c> PEM.</summary>
    public static CardVerificationKey FromPublicKeyPem(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    internal bool Verifies(byte[] data, byte[] signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
