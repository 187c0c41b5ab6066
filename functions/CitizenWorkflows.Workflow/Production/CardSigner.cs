using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// Signs chip data with the card-signing key as a JWS (RFC 7515, ES256, key id in the protected header) and verifies a
/// JWS against that key and any retired keys, since cards signed before a key rotation stay valid for years. Any JOSE
/// library verifies what this signs, given the public key.
/// </summary>
public sealed class CardSigner
{
    /// <summary>ECDSA on P-256 with SHA-256, signature in IEEE P1363 form (r‖s, 64 bytes): RFC 7518 §3.4.</summary>
    public const string Algorithm = "ES256";

    /// <summary>The protected header's <c>cty</c>: what the payload is (<see cref="ChipData.Format"/> bytes).</summary>
    public const string ContentType = "cccd-chip";

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

    /// <summary>Signs the canonical bytes of <paramref name="data"/>, which travel as the JWS payload.</summary>
    public SignedChipData Sign(ChipData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        byte[] header = JsonSerializer.SerializeToUtf8Bytes(new ProtectedHeader(Algorithm, KeyId, ContentType));
        string protectedHeader = Base64Url.EncodeToString(header);
        string payload = Base64Url.EncodeToString(data.ToCanonicalBytes());
        byte[] signature = signingKey.Sign(SigningInput(protectedHeader, payload));
        return new SignedChipData(protectedHeader, payload, Base64Url.EncodeToString(signature));
    }

    /// <summary>
    /// Checks the signature over the carried payload (never over a re-serialisation, so old signatures survive later
    /// changes to the serialiser) and only then reads the chip data out of it. The header must name ES256 and a known
    /// key: an <c>alg</c> of <c>none</c>, an HMAC or any other algorithm is refused before any key is used.
    /// </summary>
    public ChipSignatureCheck Verify(SignedChipData signedChip)
    {
        if (signedChip is null || signedChip.Protected is null || signedChip.Payload is null || signedChip.Signature is null)
        {
            return ChipSignatureCheck.Malformed("A member of the JWS (protected, payload, signature) is missing.");
        }

        ProtectedHeader? header;
        byte[] payload;
        byte[] signature;
        try
        {
            header = JsonSerializer.Deserialize<ProtectedHeader>(Base64Url.DecodeFromChars(signedChip.Protected));
            payload = Base64Url.DecodeFromChars(signedChip.Payload);
            signature = Base64Url.DecodeFromChars(signedChip.Signature);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return ChipSignatureCheck.Malformed("The JWS is not base64url-encoded, or its protected header is not a JSON object.");
        }

        if (header?.Algorithm != Algorithm)
        {
            return ChipSignatureCheck.Malformed($"Algorithm '{header?.Algorithm}' is not {Algorithm}.");
        }

        if (header.Critical is not null)
        {
            // RFC 7515 §4.1.11: a JWS naming extensions the verifier does not understand must be refused.
            return ChipSignatureCheck.Malformed("The JWS names critical header parameters ('crit'); none are understood.");
        }

        if (header.KeyId is null)
        {
            return ChipSignatureCheck.Malformed("The protected header names no key ('kid').");
        }

        if (!verificationKeys.TryGetValue(header.KeyId, out CardVerificationKey? key))
        {
            return new ChipSignatureCheck(ChipSignatureStatus.UnknownKey, $"Key id '{header.KeyId}' is not a card-signing key.", null, header.KeyId);
        }

        if (signature.Length != SignatureLength)
        {
            return ChipSignatureCheck.Malformed($"An {Algorithm} signature is {SignatureLength} bytes, this one is {signature.Length}.");
        }

        if (!key.Verifies(SigningInput(signedChip.Protected, signedChip.Payload), signature))
        {
            return new ChipSignatureCheck(ChipSignatureStatus.SignatureMismatch, "The signature does not match the chip data.", null, key.KeyId);
        }

        try
        {
            return new ChipSignatureCheck(ChipSignatureStatus.Valid, "Signed by key " + key.KeyId + ".", ChipData.FromCanonicalBytes(payload), key.KeyId);
        }
        catch (FormatException e)
        {
            // Validly signed yet unreadable: a signer bug or a newer format, never something to accept silently.
            return ChipSignatureCheck.Malformed("The signed bytes are not readable chip data: " + e.Message);
        }
    }

    // RFC 7515 §5.1: the signature covers ASCII(BASE64URL(protected header) '.' BASE64URL(payload)).
    static byte[] SigningInput(string protectedHeader, string payload) => Encoding.ASCII.GetBytes(protectedHeader + "." + payload);

    sealed record ProtectedHeader(
        [property: JsonPropertyName("alg")] string? Algorithm,
        [property: JsonPropertyName("kid")] string? KeyId,
        [property: JsonPropertyName("cty")] string? ContentType)
    {
        [JsonPropertyName("crit")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public JsonElement? Critical { get; init; }
    }
}

/// <summary>
/// Signed chip data: a JWS (RFC 7515) in its flattened JSON serialisation, whose payload is the canonical chip-data
/// bytes; <see cref="ToCompact"/> gives the compact form (<c>header.payload.signature</c>) a chip or a JOSE tool takes.
/// </summary>
/// <param name="Protected">BASE64URL of the protected header <c>{"alg":"ES256","kid":…,"cty":"cccd-chip"}</c>.</param>
/// <param name="Payload">BASE64URL of the canonical chip-data bytes (<see cref="ChipData.ToCanonicalBytes"/>).</param>
/// <param name="Signature">BASE64URL of the ES256 signature (r‖s, 64 bytes).</param>
public sealed record SignedChipData(string Protected, string Payload, string Signature)
{
    /// <summary>The JWS compact serialisation.</summary>
    public string ToCompact() => Protected + "." + Payload + "." + Signature;

    /// <summary>Reads a JWS compact serialisation (three base64url parts); null when it does not have that shape.</summary>
    public static SignedChipData? FromCompact(string compact)
    {
        string[] parts = (compact ?? string.Empty).Trim().Split('.');
        return parts.Length == 3 ? new SignedChipData(parts[0], parts[1], parts[2]) : null;
    }
}

/// <summary>The outcome of verifying signed chip data.</summary>
public enum ChipSignatureStatus
{
    Valid,
    UnknownKey,
    Malformed,
    SignatureMismatch,
}

/// <summary>Whether signed chip data verified, why not if it did not, the chip data when it did, and the key it named.</summary>
public sealed record ChipSignatureCheck(ChipSignatureStatus Status, string Reason, ChipData? Data, string? KeyId = null)
{
    public bool IsValid => Status == ChipSignatureStatus.Valid;

    internal static ChipSignatureCheck Malformed(string reason) => new(ChipSignatureStatus.Malformed, reason, null);
}
