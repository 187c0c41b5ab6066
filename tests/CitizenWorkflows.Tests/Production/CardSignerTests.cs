using System.Security.Cryptography;
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

    static string Flip(string base64, int index)
    {
        byte[] bytes = Convert.FromBase64String(base64);
        bytes[index] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }

    [Fact]
    public void Signed_chip_data_verifies_and_gives_back_the_chip_data()
    {
        var signer = new CardSigner(key);
        ChipData chip = CardSamples.Chip();

        SignedChipData signedChip = signer.Sign(chip);
        ChipSignatureCheck check = signer.Verify(signedChip);

        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(ChipSignatureStatus.Valid, check.Status);
        Assert.Equal(chip.ToCanonicalBytes(), check.Data!.ToCanonicalBytes());
        Assert.Equal(CardSigner.Algorithm, signedChip.Algorithm);
        Assert.Equal(key.KeyId, signedChip.KeyId);
        Assert.Equal(chip.ToCanonicalBytes(), Convert.FromBase64String(signedChip.ChipDataBase64));
        // IEEE P1363: r and s as two 32-byte big-endian integers, no DER wrapping.
        Assert.Equal(64, Convert.FromBase64String(signedChip.SignatureBase64).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(-1)]
    public void A_changed_byte_in_the_chip_data_fails_verification(int position)
    {
        var signer = new CardSigner(key);
        SignedChipData signedChip = signer.Sign(CardSamples.Chip());
        int index = position >= 0 ? position : Convert.FromBase64String(signedChip.ChipDataBase64).Length + position;

        ChipSignatureCheck check = signer.Verify(signedChip with { ChipDataBase64 = Flip(signedChip.ChipDataBase64, index) });

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

        ChipSignatureCheck check = signer.Verify(signedChip with { SignatureBase64 = Flip(signedChip.SignatureBase64, index) });

        Assert.Equal(ChipSignatureStatus.SignatureMismatch, check.Status);
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

        ChipSignatureCheck check = new CardSigner(key).Verify(byOtherKey with { KeyId = key.KeyId });

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
        byte[] der = ToDer(Convert.FromBase64String(signedChip.SignatureBase64));

        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { SignatureBase64 = "not base64!" }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { ChipDataBase64 = "not base64!" }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { SignatureBase64 = signedChip.SignatureBase64[..^4] }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { SignatureBase64 = Convert.ToBase64String(der) }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { Algorithm = "ES384" }).Status);
        Assert.Equal(ChipSignatureStatus.Malformed, signer.Verify(signedChip with { KeyId = null! }).Status);
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
