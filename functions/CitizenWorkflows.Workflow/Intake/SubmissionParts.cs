using System.Buffers.Binary;
using System.Globalization;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>One part of a multipart submission as received: its name, what the sender declared, and the bytes.</summary>
public sealed record SubmittedPart(string Name, string? FileName, string? DeclaredContentType, byte[] Content);

/// <summary>A checked document ready to store: the name it is stored under and the content type found in its bytes.</summary>
public sealed record IntakeDocument(string Name, string ContentType, byte[] Content);

/// <summary>
/// The parts a submission may have and what each must contain. Types are decided by content (magic bytes and a
/// real decode), never by the file name or the declared content type.
/// </summary>
public static class SubmissionParts
{
    public const string Application = "application";

    /// <summary>The name the application part is stored under.</summary>
    public const string ApplicationDocument = "application.json";
    public const string Portrait = "portrait";
    public const string FingerprintPrefix = "fingerprint-";
    public const string DocumentPrefix = "document-";

    public const int MaxApplicationBytes = 64 * 1024;
    public const int MaxPortraitBytes = 4 * 1024 * 1024;
    public const int MaxFingerprintBytes = 512 * 1024;
    public const int MaxDocumentBytes = 5 * 1024 * 1024;
    public const int MaxDocuments = 4;

    /// <summary>
    /// The portrait's sides at intake, read from its header while the citizen is still at the kiosk: the floor is the
    /// biometric stage's default minimum (which keeps the full quality check), the ceiling what any camera produces.
    /// </summary>
    public const int MinPortraitSide = 320;
    public const int MaxPortraitSide = 10_000;

    /// <summary>The whole request: every part at its limit still fits.</summary>
    public const long MaxRequestBytes = MaxApplicationBytes + MaxPortraitBytes + (10L * MaxFingerprintBytes) + ((long)MaxDocuments * MaxDocumentBytes) + (64 * 1024);

    /// <summary>ISO/IEC 19794-2 finger positions 1–10 (1 right thumb … 10 left little finger).</summary>
    public static readonly IReadOnlyList<string> FingerprintParts =
        [.. Enumerable.Range(1, 10).Select(p => FingerprintPrefix + p.ToString("00", CultureInfo.InvariantCulture))];

    public static readonly IReadOnlyList<string> DocumentParts =
        [.. Enumerable.Range(1, MaxDocuments).Select(n => DocumentPrefix + n.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The finger position (1–10) of a stored fingerprint part ("applications/{id}/fingerprint-07" → 7), else null.</summary>
    public static int? FingerPositionOf(string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        string part = blobName[(blobName.LastIndexOf('/') + 1)..];
        return FingerprintParts.Contains(part) ? int.Parse(part.AsSpan(FingerprintPrefix.Length), CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The stored fingerprint parts among an application's documents.</summary>
    public static IReadOnlyList<Storage.DocumentReference> FingerprintsAmong(IEnumerable<Storage.DocumentReference> documents) =>
        [.. documents.Where(d => FingerPositionOf(d.BlobName) is not null)];

    /// <summary>The size limit of a known part name, or null for a name the contract does not have.</summary>
    public static int? LimitFor(string name) => name switch
    {
        Application => MaxApplicationBytes,
        Portrait => MaxPortraitBytes,
        _ when FingerprintParts.Contains(name) => MaxFingerprintBytes,
        _ when DocumentParts.Contains(name) => MaxDocumentBytes,
        _ => null,
    };

    /// <summary>Checks every file part's content; returns the documents to store, adding a named error per bad part.</summary>
    public static IReadOnlyList<IntakeDocument> CheckFiles(IReadOnlyList<SubmittedPart> parts, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(errors);
        var documents = new List<IntakeDocument>();

        // The application part is stored as the canonical JSON the rules accepted (SubmissionRules.Validate), not here.
        if (!parts.Any(p => p.Name == Portrait))
        {
            errors.Add(new(Portrait, "required", "the portrait part is required: a JPEG or PNG image"));
        }

        foreach (SubmittedPart part in parts.Where(p => p.Name != Application))
        {
            string? type = part.Name == Portrait ? CheckImage(part, errors, allowJpeg: true)
                : part.Name.StartsWith(FingerprintPrefix, StringComparison.Ordinal) ? CheckFingerprint(part, errors)
                : CheckSupportingDocument(part, errors);
            if (type is not null)
            {
                documents.Add(new IntakeDocument(part.Name, type, part.Content));
            }
        }

        return documents;
    }

    static string? CheckImage(SubmittedPart part, List<FieldError> errors, bool allowJpeg)
    {
        string? type = ImageFormat.Detect(part.Content);
        if (type is null || (type == "image/jpeg" && !allowJpeg))
        {
            errors.Add(new(part.Name, $"{RuleStem(part.Name)}.content-type", allowJpeg ? "must be a JPEG or PNG image (checked by its content)" : "must be a PNG image (checked by its content)"));
            return null;
        }

        if (part.Name == Portrait && ImageProbe.Header(part.Content) is { } header
            && (header.Width is < MinPortraitSide or > MaxPortraitSide || header.Height is < MinPortraitSide or > MaxPortraitSide))
        {
            // The header alone answers, before any pixel is decoded.
            errors.Add(new(part.Name, "portrait.dimensions",
                $"is {header.Width}x{header.Height} pixels; each side must be {MinPortraitSide}-{MaxPortraitSide} pixels"));
            return null;
        }

        ImageProbeResult probe = ImageProbe.Probe(part.Content);
        if (probe.Outcome == ImageDecodeOutcome.TooManyPixels)
        {
            errors.Add(new(part.Name, $"{RuleStem(part.Name)}.pixels", $"declares {probe.Width}x{probe.Height} pixels, more than any capture has ({ImageProbe.MaxPixels})"));
            return null;
        }

        if (!probe.Decoded)
        {
            errors.Add(new(part.Name, $"{RuleStem(part.Name)}.decodes", "does not decode as an image (truncated or corrupt)"));
            return null;
        }

        return type;
    }

    static string? CheckFingerprint(SubmittedPart part, List<FieldError> errors)
    {
        if (IsoMinutiaeTemplate.LooksLikeOne(part.Content))
        {
            if (!IsoMinutiaeTemplate.LengthMatches(part.Content))
            {
                errors.Add(new(part.Name, "fingerprint.template-length", "is an ISO/IEC 19794-2 record whose length field does not match its size"));
                return null;
            }

            // Parsed in full here, so a template the biometric search cannot read is refused at the kiosk, not days later.
            MinutiaeRecord record;
            try
            {
                record = MinutiaeRecord.Parse(part.Content);
            }
            catch (MinutiaeFormatException e)
            {
                errors.Add(new(part.Name, $"fingerprint.{e.Problem}", $"is not a valid ISO/IEC 19794-2:2005 record: {e.Message}"));
                return null;
            }

            int position = int.Parse(part.Name.AsSpan(FingerprintPrefix.Length), CultureInfo.InvariantCulture);
            IReadOnlyList<TemplateViolation> violations = TemplateRules.Validate([(position, record)]);
            errors.AddRange(violations.Select(v => new FieldError(part.Name, v.Rule, v.Message)));
            return violations.Count == 0 ? IsoMinutiaeTemplate.ContentType : null;
        }

        return CheckImage(part, errors, allowJpeg: false);
    }

    static string? CheckSupportingDocument(SubmittedPart part, List<FieldError> errors)
    {
        ReadOnlySpan<byte> content = part.Content;
        if (content.StartsWith("%PDF-"u8))
        {
            ReadOnlySpan<byte> tail = content[Math.Max(0, content.Length - 1024)..];
            if (tail.IndexOf("%%EOF"u8) < 0)
            {
                errors.Add(new(part.Name, "document.pdf-complete", "is a PDF without its end marker (truncated)"));
                return null;
            }

            return "application/pdf";
        }

        if (ImageFormat.Detect(content) == "image/jpeg")
        {
            return CheckImage(part, errors, allowJpeg: true);
        }

        errors.Add(new(part.Name, "document.content-type", "must be a PDF or a JPEG (checked by its content)"));
        return null;
    }

    static string RuleStem(string partName) =>
        partName == Portrait ? "portrait" : partName.StartsWith(FingerprintPrefix, StringComparison.Ordinal) ? "fingerprint" : "document";
}

/// <summary>The outer shape of an ISO/IEC 19794-2:2005 finger minutiae record ("FMR\0", version " 20\0", length).</summary>
public static class IsoMinutiaeTemplate
{
    public const string ContentType = "application/vnd.iso.19794-2";

    public static bool LooksLikeOne(ReadOnlySpan<byte> content) =>
        content.Length >= 14 && content.StartsWith("FMR\0"u8) && content[4..8].SequenceEqual(" 20\0"u8);

    /// <summary>Bytes 8–11: the record length (big-endian in the 2005 edition) must equal the size.</summary>
    public static bool LengthMatches(ReadOnlySpan<byte> content) =>
        BinaryPrimitives.ReadUInt32BigEndian(content[8..12]) == (uint)content.Length;
}
