using CitizenWorkflows.Load;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Load;

/// <summary>The load tools' pure parts: what they submit is valid, and what they report is computed right.</summary>
public sealed class LoadToolsTests
{
    [Fact]
    public void A_registry_citizens_renewal_passes_the_submission_rules_and_declares_the_registry_record()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach (CitizenRecord citizen in SyntheticCitizens.Generate(seed: 3, count: 200).Where(c => c.DateOfBirth.AddYears(14) <= SyntheticCitizens.ReferenceDate).Take(50))
        {
            ApplicationSubmission form = LoadApplicants.FromCitizen(citizen, now);
            (ValidSubmission? valid, IReadOnlyList<FieldError> errors) = SubmissionRules.Validate(form, Samples.Parts(form), now);
            Assert.True(valid is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Rule}")));
            Assert.Equal(RegistryOutcome.Match, RegistryComparison.Compare(
                citizen, valid!.Applicant.FullName, valid.Applicant.DateOfBirth, valid.Applicant.Sex, valid.Applicant.BirthProvinceCode).Outcome);
        }
    }

    [Fact]
    public void Time_in_stage_is_measured_from_entering_a_stage_to_the_next_transition_by_stage_name()
    {
        DateTimeOffset t0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        ApplicationView View(params (ApplicationStage Stage, double Seconds)[] entries) => new(
            new ApplicationSummary
            {
                ApplicationId = "id", Stage = entries[^1].Stage, Type = ApplicationType.New, Province = "001", KioskId = "K",
                CreatedAt = t0, UpdatedAt = t0, DueAt = t0.AddDays(9), Overdue = false, WaitingFor = [], WaitDeadline = null,
            },
            [.. entries.Select((e, i) => new TimelineEntry(i + 1, e.Stage, t0.AddSeconds(e.Seconds), "c", null))]);

        IReadOnlyList<StageLatency> stages = LoadReport.StageLatencies(
        [
            View((ApplicationStage.Received, 0), (ApplicationStage.Approved, 2), (ApplicationStage.Delivered, 12)),
            View((ApplicationStage.Received, 0), (ApplicationStage.Approved, 4), (ApplicationStage.Delivered, 5)),
        ]);

        Assert.Equal(["Received", "Approved"], stages.Select(s => s.Stage));
        Assert.Equal((2, 2000, 4000), (stages[0].Count, stages[0].P50Ms, stages[0].MaxMs));
        Assert.Equal((2, 1000, 10000), (stages[1].Count, stages[1].P50Ms, stages[1].MaxMs));
    }

    [Fact]
    public void Printed_command_lines_never_show_a_storage_account_key() =>
        Assert.Equal(
            "./run.sh load --Storage:ConnectionString=AccountName=a;AccountKey=***;BlobEndpoint=x",
            PrintedCommand.Of(["load", "--Storage:ConnectionString=AccountName=a;AccountKey=c2VjcmV0Cg==;BlobEndpoint=x"]));
}
