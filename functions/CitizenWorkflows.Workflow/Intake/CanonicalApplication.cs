using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// The application part as the rules see it and as it is stored: every text NFC-normalised, trimmed and with runs of
/// spaces collapsed, empty texts dropped, written as compact UTF-8 JSON in the contract's member order. The stored
/// <c>application.json</c> is this, so the document, its hash and the workflow's record say the same thing.
/// </summary>
public static class CanonicalApplication
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Vietnamese letters stay readable; characters JSON or HTML treat specially are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static ApplicationSubmission Normalise(ApplicationSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return submission with
        {
            Type = Text(submission.Type),
            CurrentCardNumber = Text(submission.CurrentCardNumber),
            ReissueReason = Text(submission.ReissueReason),
            Delivery = Text(submission.Delivery),
            Applicant = submission.Applicant is { } a ? Normalise(a) : null,
            Capture = submission.Capture is { } c ? c with
            {
                Location = Text(c.Location),
                PortraitCapturedAt = Text(c.PortraitCapturedAt),
                FingerprintsCapturedAt = Text(c.FingerprintsCapturedAt),
            } : null,
        };
    }

    /// <summary>The bytes stored as <see cref="SubmissionParts.ApplicationDocument"/>.</summary>
    public static byte[] Bytes(ApplicationSubmission submission) => JsonSerializer.SerializeToUtf8Bytes(Normalise(submission), Options);

    static ApplicantFields Normalise(ApplicantFields a) => a with
    {
        FullName = Text(a.FullName),
        DateOfBirth = Text(a.DateOfBirth),
        Sex = Text(a.Sex),
        PersonalNumber = Text(a.PersonalNumber),
        OldIdNumber = Text(a.OldIdNumber),
        BirthProvinceCode = Text(a.BirthProvinceCode),
        NativePlace = Text(a.NativePlace),
        Ethnicity = Text(a.Ethnicity),
        Religion = Text(a.Religion),
        Nationality = Text(a.Nationality),
        PermanentResidence = Address(a.PermanentResidence),
        CurrentResidence = Address(a.CurrentResidence),
        FatherName = Text(a.FatherName),
        MotherName = Text(a.MotherName),
        SpouseName = Text(a.SpouseName),
        HeadOfHousehold = Text(a.HeadOfHousehold),
        BloodType = Text(a.BloodType),
    };

    static AddressFields? Address(AddressFields? address) =>
        address is null ? null : address with { ProvinceCode = Text(address.ProvinceCode), Address = Text(address.Address) };

    static string? Text(string? value) => SubmissionRules.Normalise(value) is { Length: > 0 } text ? text : null;
}
