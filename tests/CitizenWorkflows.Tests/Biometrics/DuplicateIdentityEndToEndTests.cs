using System.Net;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Biometrics;

/// <summary>
/// The biometric stage end to end: the Local host on Azurite with the OpenCV portrait check and the built-in matcher,
/// driven over HTTP by a kiosk and an officer.
/// </summary>
public sealed class DuplicateIdentityEndToEndTests(AzuriteFixture azurite) : EndToEndTest(azurite, "BiometricsHub")
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await new PopulationRegistry(Azurite.Tables).UpsertAsync(Samples.CitizenFor(Samples.Hanh));
    }

    [Fact]
    public async Task A_person_enrolling_again_under_another_name_is_caught_and_rejected_as_a_duplicate()
    {
        string first = await SubmitAndWaitForApprovalAsync(Samples.NewApplicant("Lê Văn Khoa", "1985-03-14", Samples.Fingerprints(101, 1)));

        // The same fingers, captured again, under another name and birthday.
        SubmissionAccepted second = await Api.SubmitAsync(Kiosk, Samples.NewApplicant("Lê Văn Khánh", "1986-07-02", Samples.Fingerprints(101, 2)));
        ApplicationStatusResponse review = await Host.WaitForAsync(second.ApplicationId, s => s.WaitingFor.Contains(E.AdjudicationDecision));
        Assert.Equal(ApplicationStage.ManualReview, review.Stage);
        string evidence = review.Timeline[^1].Detail!;
        Assert.Contains($"possible duplicate identity: application {first} (fingerprints: 4 of 4 fingers match", evidence, StringComparison.Ordinal);
        Assert.DoesNotContain("same name", evidence, StringComparison.Ordinal);

        using HttpResponseMessage decided = await Api.RaiseAsync(Officer, second.ApplicationId, E.AdjudicationDecision,
            new { decision = "duplicate", duplicateOf = first, reason = "fingerprints and portrait match the earlier applicant" });
        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);

        ApplicationStatusResponse done = await Host.WaitForAsync(second.ApplicationId, s => s.RuntimeStatus == "Completed");
        Assert.Equal(ApplicationStage.Rejected, done.Stage);
        TimelineEntry rejection = done.Timeline[^1];
        Assert.Equal("officer officer-hn-042", rejection.Cause);
        Assert.Contains($"already enrolled under application {first}", rejection.Detail, StringComparison.Ordinal);

        // The first application is untouched: still waiting for its approval.
        Assert.Contains(E.ApprovalDecision, (await Host.StatusAsync(first)).WaitingFor);
    }

    [Fact]
    public async Task A_namesake_with_other_fingerprints_is_reviewed_and_continues_when_adjudicated_not_a_duplicate()
    {
        string first = await SubmitAndWaitForApprovalAsync(Samples.NewApplicant("Nguyễn Thị Thu Hà", "1990-01-20", Samples.Fingerprints(202, 1)));

        // Same name (typed without diacritics), birthday and birth province; different fingers.
        SubmissionAccepted namesake = await Api.SubmitAsync(Kiosk, Samples.NewApplicant("NGUYEN THI THU HA", "1990-01-20", Samples.Fingerprints(303, 1)));
        ApplicationStatusResponse review = await Host.WaitForAsync(namesake.ApplicationId, s => s.WaitingFor.Contains(E.AdjudicationDecision));
        Assert.Contains($"application {first} (same name, date of birth and birth province)", review.Timeline[^1].Detail, StringComparison.Ordinal);

        using HttpResponseMessage decided = await Api.RaiseAsync(Officer, namesake.ApplicationId, E.AdjudicationDecision,
            new { decision = "not-duplicate", reason = "different fingerprints and parents; namesakes" });
        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);

        // Cleared, but an officer's approval is still needed (never auto-approved after a review).
        ApplicationStatusResponse waiting = await Host.WaitForAsync(namesake.ApplicationId, s => s.WaitingFor.Contains(E.ApprovalDecision));
        Assert.Equal(ApplicationStage.AwaitingApproval, waiting.Stage);
        Assert.Contains(waiting.Timeline, t => t.Cause == "officer officer-hn-042" && t.Detail == "adjudicated: not a duplicate (different fingerprints and parents; namesakes)");
    }

    [Fact]
    public async Task A_renewal_by_the_same_person_with_the_same_fingers_is_no_duplicate()
    {
        var fingers = Samples.Fingerprints(404, 1);
        Applicant person = Samples.NextApplicant();
        await new PopulationRegistry(Azurite.Tables).UpsertAsync(Samples.CitizenFor(person));
        ApplicationSubmission renewal = Samples.RenewalFormBy(person);
        ApplicationSubmission form = renewal with { Capture = renewal.Capture! with { FingerprintsCapturedAt = DateTimeOffset.UtcNow.ToString("O") } };
        string first = (await Api.SubmitAsync(Kiosk, new ApplicationUpload { Application = form, Portrait = Samples.PortraitPng, Fingerprints = fingers })).ApplicationId;
        await Host.WaitForAsync(first, s => s.WaitingFor.Contains(E.ApprovalDecision));

        // One application in flight per citizen: the first ends (rejected) before the person applies again.
        using (HttpClient officer = Host.Client(Roles.Operator))
        using (HttpResponseMessage rejected = await Api.RaiseAsync(Officer, first, E.ApprovalDecision, new { decision = "reject", reason = "applicant asked to start again" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, rejected.StatusCode);
        }

        await Host.WaitForAsync(first, s => s.RuntimeStatus == "Completed");

        string again = (await Api.SubmitAsync(Kiosk, new ApplicationUpload { Application = form, Portrait = Samples.PortraitPng, Fingerprints = Samples.Fingerprints(404, 2) })).ApplicationId;
        ApplicationStatusResponse status = await Host.WaitForAsync(again, s => s.WaitingFor.Contains(E.ApprovalDecision));
        Assert.DoesNotContain(status.Timeline, t => t.Stage == ApplicationStage.ManualReview);
        Assert.Contains(status.Timeline, t => t.Detail?.Contains("no duplicate identity found (4 finger(s) searched", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("blurred", "sharpness")]
    [InlineData("faceless", "faces 0 (required = 1)")]
    [InlineData("dark", "brightness")]
    public async Task A_bad_portrait_ends_in_a_rejection_that_names_the_failed_check(string variant, string expected)
    {
        byte[] portrait = variant switch
        {
            "blurred" => Samples.PortraitBlurred(6),
            "faceless" => Samples.FacelessPortraitPng,
            _ => Samples.PortraitDarkened(0.2f),
        };
        SubmissionAccepted accepted = await Api.SubmitAsync(Kiosk, Samples.RenewalBy(portrait: portrait));

        ApplicationStatusResponse done = await Host.WaitForAsync(accepted.ApplicationId, s => s.RuntimeStatus == "Completed");
        Assert.Equal(ApplicationStage.Rejected, done.Stage);
        Assert.Equal("biometric check", done.Timeline[^1].Cause);
        Assert.StartsWith("portrait failed: ", done.Timeline[^1].Detail, StringComparison.Ordinal);
        Assert.Contains(expected, done.Timeline[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adjudication_is_for_officers_with_a_decision_a_reason_and_the_earlier_application()
    {
        string first = await SubmitAndWaitForApprovalAsync(Samples.NewApplicant("Đỗ Minh Tuấn", "1979-11-30", Samples.Fingerprints(505, 1)));
        string second = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant("Đỗ Minh Tú", "1979-12-01", Samples.Fingerprints(505, 2)))).ApplicationId;
        await Host.WaitForAsync(second, s => s.WaitingFor.Contains(E.AdjudicationDecision));

        using (HttpClient courier = Host.Client(Roles.Courier))
        using (HttpResponseMessage wrongRole = await Api.RaiseAsync(Courier, second, E.AdjudicationDecision, new { decision = "not-duplicate", reason = "x" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
        }

        using (HttpResponseMessage incomplete = await Api.RaiseAsync(Officer, second, E.AdjudicationDecision, new { decision = "duplicate" }))
        {
            var problem = await Api.AssertProblemAsync(incomplete, HttpStatusCode.UnprocessableEntity, "validation");
            Assert.Contains("duplicate-of.required", Api.RulesFor(problem, "duplicateOf"));
            Assert.Contains("reason.required-to-adjudicate", Api.RulesFor(problem, "reason"));
        }

        using (HttpResponseMessage unknownVerdict = await Api.RaiseAsync(Officer, second, E.AdjudicationDecision, new { decision = "maybe", reason = "unsure" }))
        {
            var problem = await Api.AssertProblemAsync(unknownVerdict, HttpStatusCode.UnprocessableEntity, "validation");
            Assert.Contains("decision.allowed", Api.RulesFor(problem, "decision"));
        }

        // The first application is waiting for approval, not adjudication.
        using (HttpResponseMessage wrongStage = await Api.RaiseAsync(Officer, first, E.AdjudicationDecision, new { decision = "not-duplicate", reason = "x" }))
        {
            await Api.AssertProblemAsync(wrongStage, HttpStatusCode.Conflict, "wrong-stage");
        }

        // Nothing above reached the workflow: it still waits.
        Assert.Contains(E.AdjudicationDecision, (await Host.StatusAsync(second)).WaitingFor);
    }

    async Task<string> SubmitAndWaitForApprovalAsync(ApplicationUpload upload)
    {
        SubmissionAccepted accepted = await Api.SubmitAsync(Kiosk, upload);
        await Host.WaitForAsync(accepted.ApplicationId, s => s.WaitingFor.Contains(E.ApprovalDecision));
        return accepted.ApplicationId;
    }
}
