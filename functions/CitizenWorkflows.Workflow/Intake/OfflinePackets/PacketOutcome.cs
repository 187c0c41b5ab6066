namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>What became of a packet.</summary>
public abstract record PacketOutcome
{
    PacketOutcome()
    {
    }

    /// <summary>
    /// The application exists. <paramref name="Replayed"/>: another upload (a copy of this packet under another name, or
    /// an HTTP submission with the same kiosk, idempotency key and content) created it first; nothing new was started.
    /// </summary>
    public sealed record Accepted(string ApplicationId, bool Replayed) : PacketOutcome;

    /// <summary>Refused: moved to <c>packets-quarantine</c>; nothing stored, nothing started. <paramref name="Rule"/>
    /// is a <see cref="PacketRules"/> name.</summary>
    public sealed record Quarantined(string Rule, string Reason) : PacketOutcome;

    /// <summary>Not processed by this call: the blob is gone (already processed) or another processor holds it.</summary>
    public sealed record Skipped(string Why) : PacketOutcome;
}

/// <summary>
/// Why a packet is quarantined: the reader's <c>packet.…</c> rules, and for signed intake the problem types the HTTP
/// API answers with (<c>kiosk-…</c>, <c>malformed-json</c>, <c>validation</c>, <c>idempotency-key-reused</c>).
/// </summary>
public static class PacketRules
{
    public const string TooLarge = "packet.too-large";
    public const string Corrupt = "packet.corrupt";
    public const string TooManyEntries = "packet.too-many-entries";
    public const string EntryName = "packet.entry-name";
    public const string EntryUnknown = "packet.entry-unknown";
    public const string EntryDuplicate = "packet.entry-duplicate";
    public const string EntryUnsupported = "packet.entry-unsupported";
    public const string EntryTooLarge = "packet.entry-too-large";
    public const string CompressionRatio = "packet.compression-ratio";
    public const string TotalTooLarge = "packet.total-too-large";
    public const string SignatureMissing = "packet.signature-missing";
    public const string SignatureMalformed = "packet.signature-malformed";
    public const string ApplicationMissing = "packet.application-missing";

    /// <summary>The signature's timestamp is older than the capture age limit (30 days) or in the future.</summary>
    public const string Timestamp = "packet.timestamp";

    public const string KioskUnknown = "kiosk-unknown";
    public const string SignatureInvalid = "kiosk-signature-invalid";
    public const string KioskDisabled = "kiosk-disabled";
    public const string NonceReplayed = "kiosk-signature-replayed";
    public const string KioskArea = "kiosk-area";
    public const string MalformedJson = "malformed-json";
    public const string Validation = "validation";
}
