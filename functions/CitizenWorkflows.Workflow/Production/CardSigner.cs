namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// Signs chip data with the card-signing key and verifies signed chip data against that key and any retired keys,
/// since cards signed before a key rotation stay valid for years.
/// </summary>
public sealed class CardSigner
{
    /// <summary>ECDSA on P-256 with SHA-256, signature in IEEE P1363 form (r‖s, 64 bytes), as JOSE names it.</summary>
    public const string Algorithm = "ES256";

    const int SignatureLength = 64;

    readonly CardSigningKey signingKey;
    readonly Dictionary<string, CardVerificationKey> verificationKeys = new(StringComparer.Ordinal);

    public CardSigner(CardSigningKey signingKey, IEnumerable<CardVerificationKey>? retiredKeys = null)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        this.signingKey = signingKey;
        verificationKeys[signingKey.KeyId] = signingKey.VerificationKey;
        foreach (CardVerificationKey retired in retiredKeys ?? [])
        {
            verificationKeys.TryAdd(retired.KeyId, retired);
        }
    }

    /// <summary>The id of the key new signatures are made with.</summary>
    public string KeyId => signingKey.KeyId;

    /// <summary>Signs the canonical bytes of <paramref name="data"/>; the bytes travel with the signature.</summary>
    public SignedChipData Sign(ChipData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        byte[] canonical = data.ToCanonicalBytes();
        return new SignedChipData(Algorithm, KeyId, Convert.ToBase64String(canonical), Convert.ToBase64String(signingKey.Sign(canonical)));
    }

    /// <summary>
    /// Checks the signature over the carried bytes (never over a re-serialisation, so old signatures survive later
    /// changes to the serialiser) and only then reads the chip data out of them.
    /// </summary>
    public ChipSignatureCheck Verify(SignedChipData signedChip)
    {
        if (signedChip is null || signedChip.Algorithm is null || signedChip.KeyId is null || signedChip.ChipDataBase64 is null || signedChip.SignatureBase64 is null)
        {
            return ChipSignatureCheck.Malformed("A field of the signed chip data is missing.");
        }

        if (signedChip.Algorithm != Algorithm)
        {
            return ChipSignatureCheck.Malformed($"Algorithm '{signedChip.Algorithm}' is not {Algorithm}.");
        }

        if (!verificationKeys.TryGetValue(signedChip.KeyId, out CardVerificationKey? key))
        {
            return new ChipSignatureCheck(ChipSignatureStatus.UnknownKey, $"Key id '{signedChip.KeyId}' is not a card-signing key.", null);
        }

        byte[] canonical;
        byte[] signature;
        try
        {
            canonical = Convert.FromBase64String(signedChip.ChipDataBase64);
            signature = Convert.FromBase64String(signedChip.SignatureBase64);
        }
        catch (FormatException)
        {
            return ChipSignatureCheck.Malformed("Chip data or signature is not base64.");
        }

        if (signature.Length != SignatureLength)
        {
            return ChipSignatureCheck.Malformed($"An {Algorithm} signature is {SignatureLength} bytes, this one is {signature.Length}.");
        }

        if (!key.Verifies(canonical, signature))
        {
            return new ChipSignatureCheck(ChipSignatureStatus.SignatureMismatch, "The signature does not match the chip data.", null);
        }

        try
        {
            return new ChipSignatureCheck(ChipSignatureStatus.Valid, "Signed by key " + key.KeyId + ".", ChipData.FromCanonicalBytes(canonical));
        }
        catch (FormatException e)
        {
            // Validly signed yet unreadable: a signer bug or a newer format, never something to accept silently.
            return ChipSignatureCheck.Malformed("The signed bytes are not readable chip data: " + e.Message);
        }
    }
}

/// <summary>
/// Signed chip data: the canonical chip-data bytes and an <see cref="CardSigner.Algorithm"/> signature over them (IEEE
/// P1363 r‖s, not DER), both base64, with the id of the signing key.
/// </summary>
public sealed record SignedChipData(string Algorithm, string KeyId, string ChipDataBase64, string SignatureBase64);

/// <summary>The outcome of verifying signed chip data.</summary>
public enum ChipSignatureStatus
{
    Valid,
    UnknownKey,
    Malformed,
    SignatureMismatch,
}

/// <summary>Whether signed chip data verified, why not if it did not, and the chip data when it did.</summary>
public sealed record ChipSignatureCheck(ChipSignatureStatus Status, string Reason, ChipData? Data)
{
    public bool IsValid => Status == ChipSignatureStatus.Valid;

    internal static ChipSignatureCheck Malformed(string reason) => new(ChipSignatureStatus.Malformed, reason, null);
}
