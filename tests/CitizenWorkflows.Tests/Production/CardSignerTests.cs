using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.Workflow.Production;
using Microsoft.Extensions.Configuration;

namespace CitizenWorkflows.Tests.Production;

public sealed class CardSignerTests : IDisposable
{
    readonly CardSigningKey key = CardSigningKey.Generate();
    readonly CardSigningKey otherKey = CardSigningKey.Generate();

    public void Dispose()
    {
        key.Dispose();
        otherKey.Dispose();
    }

    static string Flip(string base64Url, int index)
    {
        byte[] bytes = Base64Url.DecodeFromChars(base64Url);
        bytes[index] ^= 0x01;
        return Base64Url.EncodeToString(bytes);
    }

    static string Header(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    static JsonElement HeaderOf(SignedChipData signed) => JsonDocument.Parse(Base64Url.DecodeFromChars(signed.Protected)).RootElement;

    [Fact]
    public void Signed_chip_data_is_an_ES256_JWS_that_verifies_and_gives_back_the_chip_data()
    {
        var signer = new CardSigner(key);
        ChipData chip = CardSamples.Chip();

        SignedChipData signedChip = signer.Sign(chip);
        ChipSignatureCheck check = signer.Verify(signedChip);

        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(ChipSignatureStatus.Valid, check.Status);
        Assert.Equal(chip.ToCanonicalBytes(), check.Data!.ToCanonicalBytes());
        Assert.Equal(key.KeyId, check.KeyId);
        JsonElement header = HeaderOf(signedChip);
        Assert.Equal(("ES256", key.KeyId, "cccd-chip"), (header.GetProperty("alg").GetString(), header.GetProperty("kid").GetString(), header.GetProperty("cty").GetString()));
        Assert.Equal(chip.ToCanonicalBytes(), Base64Url.DecodeFromChars(signedChip.Payload));
        // IEEE P1363 (RFC 7518 §3.4): r and s as two 32-byte big-endian integers, no DER wrapping; base64url without padding.
        Assert.Equal(64, Base64Url.DecodeFromChars(signedChip.Signature).Length);
        Assert.DoesNotContain('=', signedChip.ToCompact());
        Assert.Equal(signedChip, SignedChipData.FromCompact(signedChip.ToCompact()));
    }

    [Fact]
    public void An_independent_JOSE_library_verifies_the_signature_with_the_public_key_alone()
    {
        ChipData chip = CardSamples.Chip();
        SignedChipData signedChip = new CardSigner(key).Sign(chip);
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(key.VerificationKey.PublicKeyPem);

        byte[] payload = Jose.JWT.DecodeBytes(signedChip.ToCompact(), publicKey, Jose.JwsAlgorithm.ES256);

        Assert.Equal(chip.ToCanonicalBytes(), payload);
        Assert.Equal(key.KeyId, Jose.JWT.Headers(signedChip.ToCompact())["kid"]);
        using var wrongKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.ThrowsAny<Exception>(() => Jose.JWT.DecodeBytes(signedChip.ToCompact(), wrongKey, Jose.JwsAlgorithm.ES256));
    }

    [Fact]
    public void A_JWS_made_by_an_independent_JOSE_library_with_the_card_signing_key_verifies()
    {
        ChipData chip = CardSamples.Chip();
        using var privateKey = ECDsa.Create();
        privateKey.ImportFromPem(key.ExportPrivateKeyPem());

        string compact = Jose.JWT.EncodeBytes(chip.ToCanonicalBytes(), privateKey, Jose.JwsAlgorithm.ES256,
            extraHeaders: new Dictionary<string, object> { ["kid"] = key.KeyId });
        ChipSignatureCheck check = new CardSigner(key).Verify(SignedChipData.FromCompact(compact)!);

        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(chip.ToCanonicalBytes(), check.Data!.ToCanonicalBytes());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(-1)]
    public void A_changed_byte_in_the_chip_data_fails_verification(int position)
    {
        var signer = new CardSigner(key);
        SignedChipData signedChip = signer.Sign(CardSamples.Chip());
        int index = position >= 0 ? position : Base64Url.DecodeFromChars(signedChip.Payload).Length + position;

        ChipSignatureCheck check = signer.Verify(signedChip with { Payload = Flip(signedChip.Payload, index) });

        Assert.Equal(ChipSignatureStatus.SignatureMismatch, check.Status);
        Assert.Null(check.Data);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(63)]
    public void A_changed_byte_in_the_signature_fails_verification(int index)
    {
        var signer = new CardSigner(key);
        SignedChipData signedChip = signer.Sign(CardSamples.Chip());

        ChipSignatureCheck check = signer.Verify(signedChip with { Signature = Flip(signedChip.Signature, index) });

        Assert.Equal(ChipSignatureStatus.SignatureMismatch, check.Status);
    }

    [Fact]
    public void A_changed_protected_header_fails_verification()
    {
        var signer = new CardSigner(key);
        SignedChipData signedChip = signer.Sign(CardSamples.Chip());

        // The same algorithm and key, another content type: the header is signed too.
        string altered = Header($$"""{"alg":"ES256","kid":"{{key.KeyId}}","cty":"other"}""");

        Assert.Equal(ChipSignatureStatus.SignatureMismatch, signer.Verify(signedChip with { Protected = altered }).Status);
    }

    [Fact]
    public void Another_keys_signature_is_an_unknown_key()
    {
        SignedChipData byOtherKey = new CardSigner(otherKey).Sign(CardSamples.Chip());

        ChipSignatureCheck check = new CardSigner(key).Verify(byOtherKey);

        Assert.Equal(ChipSignatureStatus.UnknownKey, check.Status);
        Assert.Contains(otherKey.KeyId, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_keys_signature_claiming_our_key_id_is_a_mismatch()
    {
        SignedChipData byOtherKey = new CardSigner(otherKey).Sign(CardSamples.Chip());

        ChipSignatureCheck check = new CardSigner(key).Verify(byOtherKey with { Protected = Header($$"""{"alg":"ES256","kid":"{{key.KeyId}}","cty":"cccd-chip"}""") });

        Assert.Equal(ChipSignatureStatus.SignatureMismatch, check.Status);
    }

    [Fact]
    public void A_retired_key_still_verifies_the_cards_it_signed()
    {
        SignedChipData signedBeforeRotation = new CardSigner(otherKey).Sign(CardSamples.Chip());

        ChipSignatureCheck check = new CardSigner(key, [otherKey.VerificationKey]).Verify(signedBeforeRotation);

        Assert.True(check.IsValid, check.Reason);
    }

    [Fact]
    public void Malformed_signed_chip_data_is_reported_as_malformed()
    {
        var signer = new CardSigner(key);
        SignedChipData signedChip = signer.Sign(CardSamples.Chip());
        byte[] der = ToDer(Base64Url.DecodeFromChars(signedChip.Signature));

        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Signature = "not base64!" }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Payload = "not base64!" }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Protected = "not base64!" }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Protected = Header("[1,2]") }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Signature = signedChip.Signature[..^4] }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Signature = Base64Url.EncodeToString(der) }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Protected = null! }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Protected = Header($$"""{"alg":"ES256","cty":"cccd-chip"}""") }).Status);
        Assert.Null(SignedChipData.FromCompact("only.two"));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("ES384")]
    [InlineData("RS256")]
    public void A_header_naming_any_algorithm_but_ES256_is_refused_before_any_key_is_used(string algorithm)
    {
        var signer = new CardSigner(key);
        SignedChipData signedChip = signer.Sign(CardSamples.Chip());

        ChipSignatureCheck check = signer.Verify(signedChip with { Protected = Header($$"""{"alg":"{{algorithm}}","kid":"{{key.KeyId}}"}""") });

        Assert.Equal(ChipSignatureStatus.Malformed, check.Status);
        Assert.Contains(algorithm, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_with_critical_extensions_is_refused()
    {
        var signer = new CardSigner(key);
        SignedChipData signedChip = signer.Sign(CardSamples.Chip());

        ChipSignatureCheck check = signer.Verify(signedChip with { Protected = Header($$"""{"alg":"ES256","kid":"{{key.KeyId}}","crit":["exp"],"exp":1}""") });

        Assert.Equal(ChipSignatureStatus.Malformed, check.Status);
    }

    [Fact]
    public void The_key_id_is_the_first_16_hex_digits_of_the_SHA256_of_the_public_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using CardSigningKey loaded = CardSigningKey.FromPem(ecdsa.ExportPkcs8PrivateKeyPem());

        string expected = Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16];
        Assert.Equal(expected, loaded.KeyId);
        Assert.Equal(expected, CardVerificationKey.FromPublicKeyPem(ecdsa.ExportSubjectPublicKeyInfoPem()).KeyId);
    }

    [Fact]
    public void A_key_exported_as_PEM_and_loaded_from_configuration_is_the_same_key()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [CardSigningKey.ConfigurationKey] = key.ExportPrivateKeyPem() })
            .Build();
        using CardSigningKey loaded = CardSigningKey.FromConfiguration(configuration);

        Assert.Equal(key.KeyId, loaded.KeyId);
        Assert.True(new CardSigner(key).Verify(new CardSigner(loaded).Sign(CardSamples.Chip())).IsValid);
        Assert.Throws<InvalidOperationException>(() => CardSigningKey.FromConfiguration(new ConfigurationBuilder().Build()));
    }

    [Fact]
    public void Only_a_P256_private_key_can_be_a_card_signing_key()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        string secret = key.ExportPrivateKeyPem();

        Assert.Throws<CryptographicException>(() => CardSigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<CryptographicException>(() => CardSigningKey.FromPem(key.VerificationKey.PublicKeyPem));
        CryptographicException truncated = Assert.Throws<CryptographicException>(() => CardSigningKey.FromPem(secret[..40]));
        Assert.DoesNotContain(secret[..40], truncated.Message, StringComparison.Ordinal);
    }

    // The same (r, s) as an ASN.1 SEQUENCE of two INTEGERs: the other common encoding, which this format does not take.
    static byte[] ToDer(byte[] p1363)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(p1363.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(p1363.AsSpan(32, 32));
        }

        return writer.Encode();
    }
}
