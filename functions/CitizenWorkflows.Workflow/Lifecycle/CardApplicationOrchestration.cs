using System.Globalization;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Registry;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// One card application from intake to delivery. Each stage lives in its feature folder; this class only strings
/// them together. The instance id is the application id.
/// </summary>
/// <remarks>
/// Versions: an instance runs to its end on the version it started with (<see cref="CardApplicationInput.WorkflowVersion"/>),
/// because a replay must schedule what its history holds. A change to what the workflow (or a stage it calls) schedules,
/// waits for or in which order is a new version: raise <see cref="LatestVersion"/>, branch where the step changed
/// (<c>input.WorkflowVersion &gt;= n</c>), keep the old branch until no instance of the older version is running.
/// 1: an application that ends without a card writes its final entries in an activity of their own, then releases the claim.
/// 2: the final entries ride on the claim release.
/// </remarks>
public sealed partial class CardApplicationOrchestration : TaskOrchestrator<CardApplicationInput, CardApplicationResult>
{
    /// <summary>The name both hosts register this orchestration under.</summary>
    public const string Name = "CardApplication";

    /// <summary>The newest version this build runs; new instances start on it unless <see cref="WorkflowVersioning"/>
    /// says otherwise.</summary>
    public const int LatestVersion = 2;

    public override async Task<CardApplicationResult> RunAsync(TaskOrchestrationContext context, CardApplicationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.WorkflowVersion is < 1 or > LatestVersion)
        {
            // Started by a newer build (then rolled back): guessing its steps would corrupt its history. It fails
            // holding its claim, and a re-drive starts it again on this build's version.
            throw new NotSupportedException(
                $"Application {input.Header.ApplicationId} started on workflow version {input.WorkflowVersion}; this build runs 1 to {LatestVersion}.");
        }

        ApplicationHeader header = input.Header;
        ResumePoint? resume = input.Resume;
        var journal = new ApplicationJournal(context, header, resume?.Sequence ?? 0);
        try
        {
            CardApplicationResult result = await RunStagesAsync(context, journal, input);

            // The application has ended: the citizen may apply again (a workflow that fails by a fault keeps its claim
            // while reconciliation re-drives it). A delivered card's handover released it already.
            if (result.Stage != ApplicationStage.Delivered)
            {
                var release = new ClaimRelease(header.ApplicationId, input.Applicant, result.PersonalNumber);
                if (input.WorkflowVersion >= 2)
                {
                    // The final entries ride on the release, as a delivered card's do on the handover: one activity
                    // (an episode that reloads the history) fewer for every application that ends without a card.
                    release = release with { Journal = journal.TakeUnwritten() };
                }
                else
                {
                    await journal.FlushAsync();
                }

                await context.CallActivityAsync<bool>(nameof(ReleaseCitizenClaim), release, ActivityRetry.Storage);
            }

            return result;
        }
        catch (TaskFailedException)
        {
            // An activity failed for good and fails the workflow: the stages it reached still reach the projection.
            await journal.FlushAsync();
            throw;
        }
    }

    static async Task<CardApplicationResult> RunStagesAsync(TaskOrchestrationContext context, ApplicationJournal journal, CardApplicationInput input)
    {
        // Made here rather than passed in: the determinism analyzer checks the logger where it is created.
        ILogger log = context.CreateReplaySafeLogger<CardApplicationOrchestration>();
        ApplicationHeader header = input.Header;
        WorkflowPolicy policy = input.Policy;
        ResumePoint? resume = input.Resume;

        // A re-driven run keeps an officer's approval: it resumes at personalisation instead of asking again.
        if (resume?.HasReached(ApplicationStage.Approved) == true)
        {
            await journal.RecordAsync(ApplicationStage.Approved, "re-drive", $"re-drive {resume.Redrive}: resumed after the approval by {resume.ApprovedBy ?? "rule"}");
        }
        else if (await UpToApprovalAsync(context, journal, input) is { } ended)
        {
            return ended;
        }

        var issueDate = DateOnly.FromDateTime(context.CurrentUtcDateTime.Add(WorkingDayCalendar.VietnamOffset));
        PersonalisedCard card = await context.CallActivityAsync<PersonalisedCard>(
            nameof(PersonaliseCard),
            new PersonalisationRequest(
                header.ApplicationId, input.Applicant, issueDate, input.Portrait, SubmissionParts.FingerprintsAmong(input.Documents)),
            ActivityRetry.Storage);
        await journal.RecordAsync(
            ApplicationStage.Personalised,
            "workflow",
            (card.NumberAllocated ? "new personal number allocated" : "personal number confirmed")
                + $"; card valid {(card.ExpiryDate is { } expiry ? "until " + expiry.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "for life")}; QR image and signed chip data stored");
        if (card.InProductionFor is { } other)
        {
            return await journal.FinishAsync(
                ApplicationStage.Failed, "personal-number registry", $"a card for this personal number is already in production (application {other})");
        }

        // A re-drive never prints a card twice: a step an earlier run completed is skipped, and orders are numbered on.
        HandoffOutcome printed = resume?.HasReached(ApplicationStage.Printed) == true
            ? HandoffOutcome.Skipped
            : await CardPrinting.Handoff.RunAsync(
                context, journal, header, policy.PrintDeadline, policy.MaxPrintAttempts, ordersBefore: resume?.OrdersBefore(policy.MaxPrintAttempts) ?? 0);
        HandoffOutcome delivered = printed.Failure is null
            ? await CardDelivery.RunAsync(context, journal, header, policy, input.Destination ?? CardDestination.StationOf(header), resume)
            : printed;
        if (delivered.Failure is { } failure)
        {
            LogFailed(log, header.ApplicationId, journal.Stage);
            return await journal.FinishAsync(ApplicationStage.Failed, "workflow", failure, card.PersonalNumber);
        }

        PartnerCallback? handedOver = delivered.Success;

        // The new card is the holder's valid one: a renewal or reissue cancels the old card in the register.
        // The activity writes the delivery's journal entries first (the handoff left them for it) and releases the claim last.
        int cancelled = await context.CallActivityAsync<int>(
            nameof(RecordHandover),
            new HandoverRecording(
                new CardHandover(header.ApplicationId, card.PersonalNumber, issueDate, card.ExpiryDate,
                    new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero), handedOver?.Recipient, handedOver?.ReportedBy),
                journal.TakeUnwritten(),
                new ClaimRelease(header.ApplicationId, input.Applicant, card.PersonalNumber)),
            ActivityRetry.Storage);
        LogDelivered(log, header.ApplicationId, cancelled);
        return new CardApplicationResult(ApplicationStage.Delivered, null, card.PersonalNumber);
    }

    /// <summary>Intake to approval; the final result when the application ended before it was approved, else null.</summary>
    static async Task<CardApplicationResult?> UpToApprovalAsync(TaskOrchestrationContext context, ApplicationJournal journal, CardApplicationInput input)
    {
        ApplicationHeader header = input.Header;
        WorkflowPolicy policy = input.Policy;
        await journal.RecordAsync(
            ApplicationStage.Received,
            input.Resume is null ? $"kiosk {header.KioskId}" : "re-drive",
            input.Resume is null ? $"{header.Type} application" : $"re-drive {input.Resume.Redrive}: restarted from the beginning",
            writtenByNextActivity: true);

        // Documents, portrait, duplicate search and registry in one activity; each stage then reads its part.
        ApplicationCheckResults checks = await context.CallActivityAsync<ApplicationCheckResults>(
            nameof(CheckApplication),
            new ApplicationChecks(
                input.Documents, input.Portrait, BiometricStage.SearchWithTheChecks(input), RegistryCheckRequest.For(input.Applicant), journal.TakeUnwritten()),
            ActivityRetry.Storage);
        if (!checks.Documents.Intact)
        {
            return await journal.FinishAsync(ApplicationStage.Failed, "workflow", $"documents: {checks.Documents.Detail}");
        }

        PortraitCheckResult portrait = checks.Portrait ?? throw new InvalidOperationException($"{nameof(CheckApplication)} checks the portrait of intact documents.");

        await journal.RecordAsync(ApplicationStage.DocumentsStored, "workflow", checks.Documents.Detail);

        BiometricOutcome biometrics = await BiometricStage.RunAsync(context, journal, input, portrait, checks.Search);
        if (biometrics.EndStage is { } ended)
        {
            return await journal.FinishAsync(ended, biometrics.Cause ?? "biometric check", biometrics.Reason);
        }

        bool registryReview = await RegistryStage.RunAsync(context, journal, input.Applicant, checks.Registry);

        // Approval by rule only for a clean application; anything the registry or an adjudication questioned goes to an officer.
        bool needsReview = registryReview || biometrics.Adjudicated || input.ConcurrentApplication is not null;
        if (input.ConcurrentApplication is { } concurrent)
        {
            await journal.RecordAsync(
                ApplicationStage.AwaitingApproval, "intake", $"another first-card application with the same name, birth date and birth province is in flight ({concurrent}): an officer decides");
        }

        ApprovalOutcome approval = await ApprovalStage.RunAsync(context, journal, needsReview ? policy with { AutoApprove = false } : policy);
        if (!approval.Approved)
        {
            return approval.TimedOut
                ? await journal.FinishAsync(ApplicationStage.Failed, "deadline", approval.Reason)
                : await journal.FinishAsync(ApplicationStage.Rejected, approval.DecidedBy ?? "workflow", approval.Reason);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {ApplicationId} failed at {Stage}")]
    static partial void LogFailed(ILogger logger, string applicationId, ApplicationStage stage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId} delivered; {Cancelled} earlier card(s) cancelled")]
    static partial void LogDelivered(ILogger logger, string applicationId, int cancelled);
}
