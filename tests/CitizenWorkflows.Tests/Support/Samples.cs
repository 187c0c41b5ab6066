using CitizenWorkflows.Local.Demo;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;

namespace CitizenWorkflows.Tests.Support;

/// <summary>Known-good inputs the tests vary one field at a time.</summary>
public static class Samples
{
    public static readonly byte[] PortraitPng = SampleApplicants.Portrait(600, 800);

    /// <summary>The stages an officer-approved application records on its way to Delivered; each partner wait is an entry too.</summary>
    public static readonly ApplicationStage[] HappyPathTimeline =
    [
        ApplicationStage.Received, ApplicationStage.DocumentsStored, ApplicationStage.BiometricCheck,
        ApplicationStage.AwaitingApproval, ApplicationStage.Approved, ApplicationStage.Personalised,
        ApplicationStage.Printing, ApplicationStage.Printed, ApplicationStage.Printed, ApplicationStage.Shipped,
        ApplicationStage.Shipped, ApplicationStage.Delivered,
    ];

    public static ApplicationSubmission Submission(Func<ApplicantFields, ApplicantFields>? change = null, string type = "new")
    {
        var applicant = new ApplicantFields
        {
            FullName = "Trần Thị Hạnh",
            DateOfBirth = "1994-08-15",
            Sex = "female",
            PersonalNumber = "079194001234",
            BirthProvinceCode = "079",
            Residence = "45 Nguyễn Trãi, Quận 1, Hồ Chí Minh",
        };
        return new ApplicationSubmission
        {
            Type = type,
            Applicant = change is null ? applicant : change(applicant),
            Portrait = Convert.ToBase64String(PortraitPng),
        };
    }
}
