using System.Globalization;

namespace CitizenWorkflows.Workflow.Domain;

/// <summary>
/// The text encoded in the card's QR code, in the CCCD layout: personal number | old ID number | full name |
/// date of birth (ddMMyyyy) | sex | residence | issue date (ddMMyyyy).
/// </summary>
public sealed record CccdQrPayload(
    string PersonalNumber,
    string? OldIdNumber,
    string FullName,
    DateOnly DateOfBirth,
    Sex Sex,
    string Residence,
    DateOnly IssueDate)
{
    const char Separator = '|';
    const string DateFormat = "ddMMyyyy";

    public static CccdQrPayload For(Applicant applicant, string personalNumber, DateOnly issueDate) =>
        new(personalNumber, applicant.OldIdNumber, applicant.FullName, applicant.DateOfBirth, applicant.Sex, applicant.Residence, issueDate);

    /// <summary>The exact string put in the QR code.</summary>
    public string Encode()
    {
        string[] fields =
        [
            PersonalNumber,
            OldIdNumber ?? string.Empty,
            FullName,
            DateOfBirth.ToString(DateFormat, CultureInfo.InvariantCulture),
            SexLabel(Sex),
            Residence,
            IssueDate.ToString(DateFormat, CultureInfo.InvariantCulture),
        ];
        foreach (string field in fields)
        {
            if (field.Contains(Separator, StringComparison.Ordinal))
            {
                throw new FormatException("A QR field may not contain the '|' separator.");
            }
        }

        return string.Join(Separator, fields);
    }

    public static CccdQrPayload Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] f = text.Split(Separator);
        if (f.Length != 7)
        {
            throw new FormatException($"A CCCD QR payload has 7 fields, this one has {f.Length}.");
        }

        return new(
            f[0],
            f[1].Length == 0 ? null : f[1],
            f[2],
            DateOnly.ParseExact(f[3], DateFormat, CultureInfo.InvariantCulture),
            f[4] switch
            {
                "Nam" => Sex.Male,
                "Nữ" => Sex.Female,
                _ => throw new FormatException($"Unknown sex '{f[4]}' in QR payload."),
            },
            f[5],
            DateOnly.ParseExact(f[6], DateFormat, CultureInfo.InvariantCulture));
    }

    // The card prints sex in Vietnamese; the QR carries the same words.
    static string SexLabel(Sex sex) => sex == Sex.Male ? "Nam" : "Nữ";
}
