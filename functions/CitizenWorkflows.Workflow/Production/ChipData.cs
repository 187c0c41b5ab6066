using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// What the card's chip holds about its holder and the card, with digests (not copies) of the portrait and
/// fingerprints captured at enrolment. <see cref="ToCanonicalBytes"/> gives the exact bytes the card-signing key signs.
/// </summary>
/// <param name="BirthProvinceCode">Province code of the place of birth registration (the applicant's place of origin).</param>
/// <param name="ExpiryDate">Null for a card valid for life (issued after the holder turned 60).</param>
/// <param name="PortraitSha256">Lower-case hex SHA-256 of the stored portrait image.</param>
/// <param name="Fingerprints">One digest per captured finger, ordered by ISO/IEC 19794 finger position.</param>
public sealed record ChipData(
    string PersonalNumber,
    string CardNumber,
    string FullName,
    DateOnly DateOfBirth,
    Sex Sex,
    string Nationality,
    string BirthProvinceCode,
    string Residence,
    DateOnly IssueDate,
    DateOnly? ExpiryDate,
    string PortraitSha256,
    IReadOnlyList<FingerprintDigest> Fingerprints)
{
    /// <summary>Names this layout inside the bytes, so a later layout can be told apart from this one.</summary>
    public const string Format = "cccd-chip/1";

    /// <summary>The CCCD is issued to Vietnamese citizens only; the applicant record does not carry nationality.</summary>
    public const string VietnameseNationality = "Việt Nam";

    const string DateFormat = "yyyy-MM-dd";

    // The default encoder escapes everything outside ASCII as \uXXXX (upper-case hex), which leaves one spelling for
    // each string; output is ASCII and never indented.
    static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>Chip data for an approved applicant, digesting the portrait and each finger's stored record.</summary>
    /// <param name="fingerprintRecords">Each finger's stored record (image or minutiae template) by finger position.</param>
    public static ChipData For(
        Applicant applicant,
        string personalNumber,
        string cardNumber,
        DateOnly issueDate,
        DateOnly? expiryDate,
        ReadOnlySpan<byte> portrait,
        IReadOnlyDictionary<int, byte[]> fingerprintRecords,
        string nationality = VietnameseNationality)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        ArgumentNullException.ThrowIfNull(fingerprintRecords);
        FingerprintDigest[] fingers =
        [
            .. fingerprintRecords.OrderBy(f => f.Key).Select(f => new FingerprintDigest(f.Key, Sha256Hex(f.Value))),
        ];
        return new ChipData(
            personalNumber, cardNumber, applicant.FullName, applicant.DateOfBirth, applicant.Sex, nationality,
            applicant.BirthProvinceCode, applicant.Residence, issueDate, expiryDate, Sha256Hex(portrait), fingers);
    }

    /// <summary>Lower-case hex SHA-256, the digest form the chip carries.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// Compact JSON with properties in a fixed order, strings in Unicode NFC (a name typed on two kiosks with different
    /// input methods gives the same bytes), dates as yyyy-MM-dd, sex as M/F, fingers in ascending position.
    /// </summary>
    public byte[] ToCanonicalBytes()
    {
        Validate();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("personalNumber", Nfc(PersonalNumber));
            json.WriteString("cardNumber", Nfc(CardNumber));
            json.WriteString("fullName", Nfc(FullName));
            json.WriteString("dateOfBirth", Date(DateOfBirth));
            json.WriteString("sex", Sex == Sex.Male ? "M" : "F");
            json.WriteString("nationality", Nfc(Nationality));
            json.WriteString("birthProvinceCode", Nfc(BirthProvinceCode));
            json.WriteString("residence", Nfc(Residence));
            json.WriteString("issueDate", Date(IssueDate));
            if (ExpiryDate is { } expiry)
            {
                json.WriteString("expiryDate", Date(expiry));
            }
            else
            {
                json.WriteNull("expiryDate");
            }

            json.WriteString("portraitSha256", PortraitSha256);
            json.WriteStartArray("fingerprints");
            foreach (FingerprintDigest finger in Fingerprints.OrderBy(f => f.FingerPosition))
            {
                json.WriteStartObject();
                json.WriteNumber("position", finger.FingerPosition);
                json.WriteString("sha256", finger.Sha256);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads bytes made by <see cref="ToCanonicalBytes"/>. Anything else (other order, spacing, escaping, format) is
    /// refused with <see cref="FormatException"/>, so one chip content has exactly one byte form.
    /// </summary>
    public static ChipData FromCanonicalBytes(ReadOnlySpan<byte> bytes)
    {
        ChipData data;
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes.ToArray());
            JsonElement root = document.RootElement;
            string format = Text(root, "format");
            if (format != Format)
            {
                throw new FormatException($"Chip data format '{format}' is not {Format}.");
            }

            JsonElement expiry = root.GetProperty("expiryDate");
            data = new ChipData(
                Text(root, "personalNumber"),
                Text(root, "cardNumber"),
                Text(root, "fullName"),
                ParseDate(Text(root, "dateOfBirth")),
                Text(root, "sex") switch
                {
                    "M" => Sex.Male,
                    "F" => Sex.Female,
                    var other => throw new FormatException($"Unknown sex '{other}' in chip data."),
                },
                Text(root, "nationality"),
                Text(root, "birthProvinceCode"),
                Text(root, "residence"),
                ParseDate(Text(root, "issueDate")),
                expiry.ValueKind == JsonValueKind.Null ? null : ParseDate(expiry.GetString() ?? string.Empty),
                Text(root, "portraitSha256"),
                [
                    .. root.GetProperty("fingerprints").EnumerateArray().Select(f =>
                        new FingerprintDigest(f.GetProperty("position").GetInt32(), Text(f, "sha256"))),
                ]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("Chip data is not well-formed.", e);
        }

        if (!bytes.SequenceEqual(data.ToCanonicalBytes()))
        {
            throw new FormatException("Chip data is not in canonical form.");
        }

        return data;
    }

    void Validate()
    {
        if (!IsDigest(PortraitSha256))
        {
            throw new FormatException("The portrait digest is not 64 lower-case hex digits.");
        }

        ArgumentNullException.ThrowIfNull(Fingerprints);
        var seen = new HashSet<int>();
        foreach (FingerprintDigest finger in Fingerprints)
        {
            // ISO/IEC 19794 finger positions: 0 unknown, 1–10 right thumb to left little finger.
            if (finger.FingerPosition is < 0 or > 10 || !seen.Add(finger.FingerPosition))
            {
                throw new FormatException($"Finger position {finger.FingerPosition} is out of range 0–10 or given twice.");
            }

            if (!IsDigest(finger.Sha256))
            {
                throw new FormatException($"The digest for finger {finger.FingerPosition} is not 64 lower-case hex digits.");
            }
        }
    }

    static bool IsDigest(string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    static string Nfc(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Normalize(NormalizationForm.FormC);
    }

    static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    static DateOnly ParseDate(string text) =>
        DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    static string Text(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new FormatException($"Chip data field '{name}' is null.");
}

/// <summary>The SHA-256 (lower-case hex) of one finger's stored record, at its ISO/IEC 19794 finger position.</summary>
public sealed record FingerprintDigest(int FingerPosition, string Sha256);
