using System.Text;
using CitizenWorkflows.Workflow.Production;

namespace CitizenWorkflows.Tests.Production;

public class ChipDataTests
{
    // Pins the layout: a chip already issued must read the same way after any refactoring.
    const string LanCanonical =
        """{"format":"cccd-chip/1","personalNumber":"001191000123","cardNumber":"001191000123","fullName":"Nguy\u1EC5n Th\u1ECB Lan","dateOfBirth":"1991-04-07","sex":"F","nationality":"Vi\u1EC7t Nam","birthProvinceCode":"001","residence":"12 L\u00EA L\u1EE3i, Ho\u00E0n Ki\u1EBFm, H\u00E0 N\u1ED9i","issueDate":"2026-11-26","expiryDate":"2031-04-07","portraitSha256":"PORTRAIT","fingerprints":[FINGERS]}""";

    [Fact]
    public void The_canonical_bytes_are_the_documented_compact_JSON()
    {
        ChipData chip = CardSamples.Chip();
        string fingers = string.Join(',', chip.Fingerprints.Select(f => $$"""{"position":{{f.FingerPosition}},"sha256":"{{f.Sha256}}"}"""));
        string expected = LanCanonical.Replace("PORTRAIT", chip.PortraitSha256, StringComparison.Ordinal).Replace("FINGERS", fingers, StringComparison.Ordinal);

        Assert.Equal(expected, Encoding.UTF8.GetString(chip.ToCanonicalBytes()));
        Assert.Equal([1, 2, 6, 7], chip.Fingerprints.Select(f => f.FingerPosition));
        Assert.Equal(ChipData.Sha256Hex(CardSamples.Portrait), chip.PortraitSha256);
    }

    [Fact]
    public void The_same_data_always_gives_the_same_bytes()
    {
        ChipData chip = CardSamples.Chip();
        var reversedFingers = new Dictionary<int, byte[]>(CardSamples.FingerRecords.Reverse());
        ChipData sameButBuiltAnotherWay = ChipData.For(
            CardSamples.Lan, "001191000123", "001191000123", CardSamples.IssueDate, CardSamples.ExpiryDate, CardSamples.Portrait, reversedFingers);

        Assert.Equal(chip.ToCanonicalBytes(), chip.ToCanonicalBytes());
        Assert.Equal(chip.ToCanonicalBytes(), sameButBuiltAnotherWay.ToCanonicalBytes());
        Assert.Equal(chip.ToCanonicalBytes(), (chip with { Fingerprints = [.. chip.Fingerprints.Reverse()] }).ToCanonicalBytes());
    }

    [Fact]
    public void A_name_in_decomposed_Unicode_gives_the_same_bytes_as_composed()
    {
        ChipData composed = CardSamples.Chip();
        ChipData decomposed = composed with { FullName = composed.FullName.Normalize(NormalizationForm.FormD) };

        Assert.NotEqual(composed.FullName, decomposed.FullName);
        Assert.Equal(composed.ToCanonicalBytes(), decomposed.ToCanonicalBytes());
    }

    [Fact]
    public void Canonical_bytes_read_back_as_the_same_chip_data()
    {
        ChipData chip = CardSamples.Chip() with { ExpiryDate = null };

        ChipData read = ChipData.FromCanonicalBytes(chip.ToCanonicalBytes());

        Assert.Null(read.ExpiryDate);
        Assert.Equal(chip with { Fingerprints = [] }, read with { Fingerprints = [] });
        Assert.Equal(chip.Fingerprints, read.Fingerprints);
    }

    [Fact]
    public void The_same_content_in_another_JSON_spelling_is_refused()
    {
        string canonical = Encoding.UTF8.GetString(CardSamples.Chip().ToCanonicalBytes());

        Assert.Throws<FormatException>(() => ChipData.FromCanonicalBytes(Encoding.UTF8.GetBytes(canonical.Replace(",", ", ", StringComparison.Ordinal))));
        Assert.Throws<FormatException>(() => ChipData.FromCanonicalBytes(Encoding.UTF8.GetBytes(canonical.Replace(@"\u1EC5", "ễ", StringComparison.Ordinal))));
        Assert.Throws<FormatException>(() => ChipData.FromCanonicalBytes(Encoding.UTF8.GetBytes(canonical.Replace("cccd-chip/1", "cccd-chip/2", StringComparison.Ordinal))));
        Assert.Throws<FormatException>(() => ChipData.FromCanonicalBytes("{}"u8));
        Assert.Throws<FormatException>(() => ChipData.FromCanonicalBytes("not json"u8));
    }

    [Fact]
    public void Malformed_digests_and_finger_positions_are_refused()
    {
        ChipData chip = CardSamples.Chip();
        FingerprintDigest finger = chip.Fingerprints[0];

        Assert.Throws<FormatException>(() => (chip with { PortraitSha256 = chip.PortraitSha256.ToUpperInvariant() }).ToCanonicalBytes());
        Assert.Throws<FormatException>(() => (chip with { PortraitSha256 = "abc" }).ToCanonicalBytes());
        Assert.Throws<FormatException>(() => (chip with { Fingerprints = [finger, finger] }).ToCanonicalBytes());
        Assert.Throws<FormatException>(() => (chip with { Fingerprints = [finger with { FingerPosition = 11 }] }).ToCanonicalBytes());
        Assert.Throws<FormatException>(() => (chip with { Fingerprints = [finger with { Sha256 = "" }] }).ToCanonicalBytes());
    }
}
