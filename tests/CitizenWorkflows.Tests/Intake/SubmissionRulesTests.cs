using System.Text;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Intake;

public class SubmissionRulesTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    static IReadOnlyList<FieldError> Errors(ApplicationSubmission form, params SubmittedPart[] extra) =>
        SubmissionRules.Validate(form, Samples.Parts(form, extra), Now).Errors;

    [Fact]
    public void A_complete_submission_is_valid_and_names_are_NFC_normalised()
    {
        // "Hạnh" typed with a combining dot below (NFD) must come out as the precomposed NFC form.
        string decomposed = "Trần  Thị Ha\u0323nh".Normalize(NormalizationForm.FormD);
        ApplicationSubmission form = Samples.Form(a => a with { FullName = decomposed });
        (ValidSubmission? valid, IReadOnlyList<FieldError> errors) = SubmissionRules.Validate(form, Samples.Parts(form), Now);
        Assert.Empty(errors);
        Assert.NotNull(valid);
        Assert.Equal("Trần Thị Hạnh", valid.Applicant.FullName);
        Assert.Equal(Samples.Residence, valid.Applicant.Residence);
        Assert.Equal("079", valid.ResidenceProvinceCode);
        Assert.Equal(ApplicationType.Renewal, valid.Type);
        Assert.Equal(["application.json", "portrait"], valid.Documents.Select(d => d.Name));
        Assert.Equal("image/png", valid.Documents[1].ContentType);
    }

    [Fact]
    public void An_empty_form_without_files_reports_every_missing_field_at_once()
    {
        IReadOnlyList<FieldError> errors = SubmissionRules.Validate(new ApplicationSubmission(), [], Now).Errors;
        Assert.Equal(["applicant", "capture", "portrait", "type"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal("required", e.Rule));
    }

    [Theory]
    [InlineData("fullName", "", "required")]
    [InlineData("fullName", "A", "name.length")]
    [InlineData("fullName", "Trần 3 Hạnh", "name.characters")]
    [InlineData("dateOfBirth", "15/08/1994", "date.format")]
    [InlineData("dateOfBirth", "2099-01-01", "date.not-in-future")]
    [InlineData("dateOfBirth", "1899-12-31", "date.plausible")]
    [InlineData("sex", "x", "sex.allowed")]
    [InlineData("birthProvinceCode", "003", "province.known")]
    [InlineData("personalNumber", "07919400123", "personal-number.format")]
    [InlineData("personalNumber", "079094001234", "personal-number.sex")]
    [InlineData("personalNumber", "079195001234", "personal-number.birth-year")]
    [InlineData("personalNumber", "079394001234", "personal-number.century")]
    [InlineData("personalNumber", "001194001234", "personal-number.birth-province")]
    [InlineData("oldIdNumber", "12345", "old-id-number.format")]
    [InlineData("ethnicity", "Kinh|Tày", "text.allowed")]
    [InlineData("fatherName", "Trần V4n Nam", "name.characters")]
    [InlineData("bloodType", "C+", "blood-type.allowed")]
    public void Each_applicant_rule_is_named_on_its_field(string field, string value, string rule)
    {
        ApplicationSubmission form = Samples.Form(a => field switch
        {
            "fullName" => a with { FullName = value },
            "dateOfBirth" => a with { DateOfBirth = value },
            "sex" => a with { Sex = value },
            "birthProvinceCode" => a with { BirthProvinceCode = value },
            "personalNumber" => a with { PersonalNumber = value },
            "oldIdNumber" => a with { OldIdNumber = value },
            "ethnicity" => a with { Ethnicity = value },
            "fatherName" => a with { FatherName = value },
            "bloodType" => a with { BloodType = value },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        });
        Assert.Contains(Errors(form), e => e.Field == "applicant." + field && e.Rule == rule);
    }

    [Theory]
    [InlineData("003", "12 Lê Lợi, Hà Nội", "applicant.permanentResidence.provinceCode", "province.known")]
    [InlineData("001", "abc", "applicant.permanentResidence.address", "address.length")]
    [InlineData("001", "12 Lê Lợi | Hà Nội", "applicant.permanentResidence.address", "address.characters")]
    public void Addresses_need_a_known_province_and_a_plausible_address(string province, string address, string field, string rule)
    {
        ApplicationSubmission form = Samples.Form(a => a with { PermanentResidence = new AddressFields { ProvinceCode = province, Address = address } });
        Assert.Contains(Errors(form), e => e.Field == field && e.Rule == rule);
    }

    [Fact]
    public void Each_application_type_carries_what_it_implies()
    {
        Assert.Contains(Errors(Samples.Form() with { CurrentCardNumber = null }), e => e.Rule == "current-card.required");
        Assert.Contains(Errors(Samples.Form() with { CurrentCardNumber = "12AB" }), e => e.Rule == "current-card.format");
        Assert.Contains(Errors(Samples.Form(type: "reissue") with { ReissueReason = null }), e => e.Rule == "reissue-reason.required");
        Assert.Contains(Errors(Samples.Form(type: "reissue") with { ReissueReason = "bored" }), e => e.Rule == "reissue-reason.allowed");
        Assert.Contains(Errors(Samples.Form(a => a with { PersonalNumber = null })), e => e.Rule == "personal-number.required");
        Assert.Contains(Errors(Samples.Form(type: "upgrade")), e => e.Field == "type" && e.Rule == "type.allowed");
        Assert.Empty(Errors(Samples.Form(a => a with { PersonalNumber = null }, type: "new")));
        Assert.Empty(Errors(Samples.Form(type: "reissue")));
    }

    [Fact]
    public void Capture_times_may_be_neither_in_the_future_nor_stale()
    {
        CaptureFields capture = Samples.Form().Capture!;
        Assert.Contains(Errors(Samples.Form() with { Capture = capture with { PortraitCapturedAt = Now.AddHours(1).ToString("O") } }), e => e.Rule == "timestamp.not-in-future");
        Assert.Contains(Errors(Samples.Form() with { Capture = capture with { PortraitCapturedAt = Now.AddDays(-31).ToString("O") } }), e => e.Rule == "timestamp.too-old");
        Assert.Contains(Errors(Samples.Form() with { Capture = capture with { PortraitCapturedAt = "yesterday" } }), e => e.Rule == "timestamp.format");
        Assert.Contains(Errors(Samples.Form() with { Capture = capture with { Latitude = 95 } }), e => e.Rule == "capture.coordinates");
    }

    [Fact]
    public void Fingerprints_are_taken_from_age_six_and_checked_by_content()
    {
        var print = new SubmittedPart("fingerprint-01", null, null, Samples.PortraitPng);
        string fiveYearsOld = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        ApplicationSubmission child = Samples.Form(a => a with { DateOfBirth = fiveYearsOld, PersonalNumber = null }, type: "new") with
        {
            Capture = Samples.Form().Capture! with { FingerprintsCapturedAt = Now.ToString("O") },
        };
        Assert.Contains(Errors(child, print), e => e.Rule == "fingerprints.age");

        ApplicationSubmission adult = Samples.Form() with { Capture = Samples.Form().Capture! with { FingerprintsCapturedAt = Now.ToString("O") } };
        Assert.Empty(Errors(adult, print));
        Assert.Contains(Errors(Samples.Form(), print), e => e.Field == "capture.fingerprintsCapturedAt" && e.Rule == "required");
        Assert.Contains(Errors(adult, new SubmittedPart("fingerprint-02", null, null, [0xFF, 0xD8, 0xFF, 0xE0])), e => e.Rule == "fingerprint.content-type");

        byte[] template = [.. "FMR\0"u8, .. " 20\0"u8, 0, 0, 0, 99, 0, 0];
        Assert.Contains(Errors(adult, new SubmittedPart("fingerprint-03", null, null, template)), e => e.Rule == "fingerprint.template-length");
        template[11] = (byte)template.Length;
        Assert.Contains(Errors(adult, new SubmittedPart("fingerprint-03", null, null, template)), e => e.Rule == "fingerprint.header-truncated");

        byte[] real = MinutiaeRecord.Write(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(1, seed: 5, fingerPosition: 3), new Random(1)));
        Assert.Empty(Errors(adult, new SubmittedPart("fingerprint-03", null, null, real)));
    }

    [Fact]
    public void A_fingerprint_template_is_parsed_and_held_to_the_template_rules_at_intake()
    {
        ApplicationSubmission adult = Samples.Form() with { Capture = Samples.Form().Capture! with { FingerprintsCapturedAt = Now.ToString("O") } };
        MinutiaeRecord thumb = SyntheticFingerprints.Impression(SyntheticFingerprints.Master(2, seed: 5, fingerPosition: 1), new Random(2));

        // A right thumb sent as the left index finger.
        FieldError wrongFinger = Assert.Single(Errors(adult, new SubmittedPart("fingerprint-07", null, null, MinutiaeRecord.Write(thumb))));
        Assert.Equal(("fingerprint-07", TemplateRules.PositionMismatch), (wrongFinger.Field, wrongFinger.Rule));

        // Too few minutiae and a poor finger quality: both named.
        FingerView sparse = thumb.Views[0] with { Minutiae = [.. thumb.Views[0].Minutiae.Take(5)], FingerQuality = 20 };
        byte[] poor = MinutiaeRecord.Write(thumb with { Views = [sparse] });
        Assert.Equal(
            [TemplateRules.QualityLow, TemplateRules.TooFewMinutiae],
            Errors(adult, new SubmittedPart("fingerprint-01", null, null, poor)).Select(e => e.Rule).Order(StringComparer.Ordinal));

        // A record whose minutia lies outside its own image: a format error naming the problem.
        byte[] broken = MinutiaeRecord.Write(thumb);
        broken[MinutiaeRecord.HeaderBytes + MinutiaeRecord.ViewHeaderBytes + 2] = 0x3F; // first minutia's y far beyond 550 px
        FieldError format = Assert.Single(Errors(adult, new SubmittedPart("fingerprint-01", null, null, broken)));
        Assert.Equal("fingerprint.minutia-outside-image", format.Rule);
        Assert.Contains("outside", format.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("portrait", "R0lGODlhAQABAAAAACw=", "portrait.content-type")] // a GIF
    [InlineData("portrait", "iVBORw0KGgoAAAANSUhEUgAA", "portrait.decodes")]   // a PNG cut short
    [InlineData("document-1", "JVBERi0xLjcKJcfs", "document.pdf-complete")]  // "%PDF-1.7" without %%EOF
    [InlineData("document-1", "PHN2Zz48L3N2Zz4=", "document.content-type")]  // an SVG
    public void Files_are_judged_by_their_content(string part, string base64, string rule)
    {
        ApplicationSubmission form = Samples.Form();
        List<SubmittedPart> parts = Samples.Parts(form);
        parts.RemoveAll(p => p.Name == part);
        parts.Add(new SubmittedPart(part, "innocent.png", "image/png", Convert.FromBase64String(base64)));
        Assert.Contains(SubmissionRules.Validate(form, parts, Now).Errors, e => e.Field == part && e.Rule == rule);
    }

    [Fact]
    public void A_complete_PDF_is_accepted_as_a_supporting_document()
    {
        byte[] pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
        IReadOnlyList<FieldError> errors = Errors(Samples.Form(), new SubmittedPart("document-1", null, null, pdf));
        Assert.Empty(errors);
    }

    [Fact]
    public void Magic_bytes_decide_the_image_type()
    {
        Assert.Equal("image/png", ImageFormat.Detect(Samples.PortraitPng));
        Assert.Equal("image/jpeg", ImageFormat.Detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0]));
        Assert.Null(ImageFormat.Detect("%PDF-1.7"u8));
    }

    [Fact]
    public void The_request_digest_ignores_part_order_but_not_content()
    {
        List<SubmittedPart> parts = Samples.Parts(Samples.Form());
        string digest = IntakeService.DigestOf(parts);
        Assert.Equal(digest, IntakeService.DigestOf(Enumerable.Reverse(parts)));
        parts[1] = parts[1] with { Content = [.. parts[1].Content, 0] };
        Assert.NotEqual(digest, IntakeService.DigestOf(parts));
    }
}
