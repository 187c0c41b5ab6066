using System.Globalization;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local.Demo;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Registry;

namespace CitizenWorkflows.Tests.Support;

/// <summary>Known-good inputs the tests vary one field at a time.</summary>
public static class Samples
{
    public static readonly byte[] PortraitPng = SampleApplicants.Portrait(600, 800);

    /// <summary>The stages an officer-approved application records on its way to Delivered; each partner wait is an entry too.</summary>
    public static readonly ApplicationStage[] HappyPathTimeline =
    [
        ApplicationStage.Received, ApplicationStage.DocumentsStored, ApplicationStage.BiometricCheck,
        ApplicationStage.BiometricCheck, ApplicationStage.AwaitingApproval, ApplicationStage.Approved, ApplicationStage.Personalised,
        ApplicationStage.Printing, ApplicationStage.Printed, ApplicationStage.Printed, ApplicationStage.Shipped,
        ApplicationStage.Shipped, ApplicationStage.Delivered,
    ];

    public const string Residence = "45 Nguyễn Trãi, Quận 1, Hồ Chí Minh";

    /// <summary>Trần Thị Hạnh of Hồ Chí Minh, renewing; <paramref name="change"/> alters the applicant.</summary>
    public static ApplicationSubmission Form(Func<ApplicantFields, ApplicantFields>? change = null, string type = "renewal")
    {
        var residence = new AddressFields { ProvinceCode = "079", Address = Residence };
        var applicant = new ApplicantFields
        {
            FullName = "Trần Thị Hạnh",
            DateOfBirth = "1994-08-15",
            Sex = "female",
            PersonalNumber = "079194001234",
            BirthProvinceCode = "079",
            Ethnicity = "Kinh",
            Nationality = "Việt Nam",
            PermanentResidence = residence,
            CurrentResidence = residence,
            FatherName = "Trần Văn Nam",
            MotherName = "Lê Thị Mai",
        };
        return new ApplicationSubmission
        {
            Type = type,
            CurrentCardNumber = type == "renewal" ? "079194001234" : null,
            ReissueReason = type == "reissue" ? "lost" : null,
            Applicant = change is null ? applicant : change(applicant),
            Capture = new CaptureFields
            {
                Location = "Công an phường Bến Nghé",
                PortraitCapturedAt = DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O", CultureInfo.InvariantCulture),
            },
        };
    }

    public static ApplicationUpload Upload(ApplicationSubmission? form = null, byte[]? portrait = null) =>
        new() { Application = form ?? Form(), Portrait = portrait ?? PortraitPng };

    /// <summary>The registry's record of <paramref name="applicant"/>, so that the registry check matches.</summary>
    public static CitizenRecord CitizenFor(Applicant applicant) => new(
        applicant.PersonalNumber!, applicant.FullName, applicant.DateOfBirth, applicant.Sex, applicant.BirthProvinceCode,
        NativePlace: "Hồ Chí Minh", Ethnicity: "Kinh", Religion: "Không", Nationality: "Việt Nam",
        PermanentResidence: applicant.Residence, CurrentResidence: applicant.Residence, FatherName: "Trần Văn Nam",
        MotherName: "Lê Thị Mai", SpouseName: null, HeadOfHousehold: "Trần Văn Nam", OldIdNumber: null, BloodType: "O");

    /// <summary>The sample applicant as the workflow receives it.</summary>
    public static readonly Applicant Hanh = new("Trần Thị Hạnh", new DateOnly(1994, 8, 15), Sex.Female, "079194001234", null, "079", Residence);

    /// <summary>The parts the server would receive for <paramref name="form"/> plus any extra parts.</summary>
    public static List<SubmittedPart> Parts(ApplicationSubmission form, params SubmittedPart[] extra) =>
    [
        new(SubmissionParts.Application, null, "application/json", JsonSerializer.SerializeToUtf8Bytes(form, JsonSerializerOptions.Web)),
        new(SubmissionParts.Portrait, "portrait.png", "image/png", PortraitPng),
        .. extra,
    ];
}
