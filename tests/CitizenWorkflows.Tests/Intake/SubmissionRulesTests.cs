using System.Text;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;

namespace CitizenWorkflows.Tests.Intake;

public class SubmissionRulesTests
{
    static readonly DateOnly Today = new(2026, 11, 26);

    static IReadOnlyList<FieldError> Errors(ApplicationSubmission submission) => SubmissionRules.Validate(submission, Today).Errors;

    [Fact]
    public void A_complete_submission_is_valid_and_the_name_is_NFC_normalised()
    {
        // "Hạnh" typed with a combining dot below (NFD) must come out as the precomposed NFC form.
        string decomposed = "Trần Thị Ha\u0323nh".Normalize(NormalizationForm.FormD);
        (ValidSubmission? valid, IReadOnlyList<FieldError> errors) =
            SubmissionRules.Validate(Samples.Submission(a => a with { FullName = decomposed }), Today);
        Assert.Empty(errors);
        Assert.NotNull(valid);
        Assert.Equal("Trần Thị Hạnh", valid.Applicant.FullName);
        Assert.True(valid.Applicant.FullName.IsNormalized(NormalizationForm.FormC));
        Assert.Equal("image/png", valid.PortraitContentType);
        Assert.Equal(Sex.Female, valid.Applicant.Sex);
    }

    [Fact]
    public void An_empty_submission_reports_every_missing_field_at_once()
    {
        IReadOnlyList<FieldError> errors = Errors(new ApplicationSubmission());
        Assert.Equal(["applicant", "portrait", "type"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal("required", e.Rule));
    }

    [Theory]
    [InlineData("fullName", "", "required")]
    [InlineData("fullName", "A", "full-name.length")]
    [InlineData("fullName", "Trần 3 Hạnh", "full-name.characters")]
    [InlineData("dateOfBirth", "15/08/1994", "date.format")]
    [InlineData("dateOfBirth", "2027-01-01", "date.not-in-future")]
    [InlineData("dateOfBirth", "1899-12-31", "date.plausible")]
    [InlineData("sex", "x", "sex.allowed")]
    [InlineData("birthProvinceCode", "003", "province.known")]
    [InlineData("personalNumber", "07919400123", "personal-number.format")]
    [InlineData("personalNumber", "079094001234", "personal-number.sex")]
    [InlineData("personalNumber", "079195001234", "personal-number.birth-year")]
    [InlineData("personalNumber", "079394001234", "personal-number.century")]
    [InlineData("personalNumber", "001194001234", "personal-number.birth-province")]
    [InlineData("oldIdNumber", "12345", "old-id-number.format")]
    [InlineData("residence", "abc", "residence.length")]
    [InlineData("residence", "12 Lê Lợi | Hà Nội", "residence.characters")]
    public void Each_applicant_rule_is_named_on_its_field(string field, string value, string rule)
    {
        ApplicationSubmission submission = Samples.Submission(a => field switch
        {
            "fullName" => a with { FullName = value },
            "dateOfBirth" => a with { DateOfBirth = value },
            "sex" => a with { Sex = value },
            "birthProvinceCode" => a with { BirthProvinceCode = value },
            "personalNumber" => a with { PersonalNumber = value },
            "oldIdNumber" => a with { OldIdNumber = value },
            "residence" => a with { Residence = value },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        });
        Assert.Contains(Errors(submission), e => e.Field == "applicant." + field && e.Rule == rule);
    }

    [Fact]
    public void A_renewal_needs_the_existing_personal_number()
    {
        IReadOnlyList<FieldError> errors = Errors(Samples.Submission(a => a with { PersonalNumber = null }, type: "renewal"));
        Assert.Contains(errors, e => e.Rule == "personal-number.required");
        Assert.Empty(Errors(Samples.Submission(a => a with { PersonalNumber = null }, type: "new")));
    }

    [Fact]
    public void An_unknown_application_type_is_refused()
    {
        Assert.Contains(Errors(Samples.Submission(type: "upgrade")), e => e.Field == "type" && e.Rule == "type.allowed");
    }

    [Theory]
    [InlineData("not base64!", "portrait.base64")]
    [InlineData("R0lGODlhAQABAAAAACw=", "portrait.content-type")] // a GIF: not accepted, recognised by content
    public void The_portrait_is_checked_by_content(string portrait, string rule)
    {
        Assert.Contains(Errors(Samples.Submission() with { Portrait = portrait }), e => e.Field == "portrait" && e.Rule == rule);
    }

    [Fact]
    public void A_portrait_over_the_size_limit_is_refused_before_decoding()
    {
        string huge = new('A', ((SubmissionRules.MaxPortraitBytes / 3) + 2) * 4);
        Assert.Contains(Errors(Samples.Submission() with { Portrait = huge }), e => e.Rule == "portrait.size");
    }

    [Fact]
    public void Magic_bytes_decide_the_image_type()
    {
        Assert.Equal("image/png", ImageFormat.Detect(Samples.PortraitPng));
        Assert.Equal("image/jpeg", ImageFormat.Detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0]));
        Assert.Null(ImageFormat.Detect("%PDF-1.7"u8));
    }
}
