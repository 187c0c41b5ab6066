using System.Security.Cryptography;
using System.Text;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// Accepts a validated submission exactly once per (kiosk, idempotency key): stores its documents and starts its
/// workflow. Every step is idempotent for a fixed application id, so a retry after a crash finishes the same
/// application instead of creating a second one. HTTP intake and offline packets both come through here.
/// </summary>
public sealed class IntakeService(
    DocumentStore documents,
    IdempotencyLedger ledger,
    CitizenClaims citizens,
    ApplicationProjection projection,
    IOptionsMonitor<WorkflowPolicy> policy,
    IOptionsMonitor<WorkflowVersioning> versioning,
    WorkingDayCalendar calendar,
    TimeProvider clock)
{
    /// <summary>How long a duplicate waits for the first request with its key to finish.</summary>
    static readonly TimeSpan DuplicatePatience = TimeSpan.FromSeconds(20);

    public async Task<IntakeResult> AcceptAsync(IntakeRequest request, DurableTaskClient client, CancellationToken cancellationToken) =>
        await AcceptAsync(request, client, retryIfForgotten: true, cancellationToken);

    async Task<IntakeResult> AcceptAsync(IntakeRequest request, DurableTaskClient client, bool retryIfForgotten, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        DateTimeOffset now = clock.GetUtcNow();
        var candidate = new IdempotencyEntry(request.RequestDigest, Guid.CreateVersion7(now).ToString("N"), now, calendar.DueAt(now), Completed: false);
        IdempotencyClaim claim = await ledger.ClaimAsync(request.Kiosk.Principal, request.IdempotencyKey, candidate, cancellationToken);
        IdempotencyEntry entry = claim.Entry;
        if (entry.RequestDigest != request.RequestDigest)
        {
            return IntakeResult.Refused(Problems.Status(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
                "Idempotency key already used for another request",
                $"Key '{request.IdempotencyKey}' was first used for a different submission (application {entry.ApplicationId}); use a new key for a new application."));
        }

        // A key's use is complete once its workflow exists (started last): a copy that finds it answers at once. Only a key
        // used before can have one, so a first claim saves the read.
        bool takeover = claim.Owned && entry != candidate;
        if ((takeover || !claim.Owned) && !entry.Completed && await HasStartedAsync(client, entry.ApplicationId, cancellationToken))
        {
            entry = entry with { Completed = true };
        }

        // One application in flight per citizen, claimed before anything is stored or started. A first card (no personal
        // number) whose demographic key is claimed goes ahead flagged for an officer: two people may share name and birth.
        string? concurrent = null;
        if (claim.Owned && !entry.Completed)
        {
            CitizenKey citizen = CitizenKey.Of(request.Submission.Applicant);
            ClaimOutcome held = await citizens.ClaimAsync(citizen, entry.ApplicationId, client, cancellationToken);
            if (!held.IsOwned && citizen.IsByNumber)
            {
                // Nothing was stored: the key is forgotten, so a retry after the other application ends may use it again.
                await ledger.ForgetAsync(request.Kiosk.Principal, request.IdempotencyKey, claim, cancellationToken);
                return IntakeResult.Refused(InFlight(held.Holder));
            }

            concurrent = held.Holder;
        }

        // An owner that lost its claim while storing (it was so slow that a retry took over) leaves the start to that retry.
        bool owned = claim.Owned && !entry.Completed && await CreateAsync(request, claim, concurrent, client, cancellationToken);
        if (!owned && !entry.Completed)
        {
            // A concurrent duplicate: the owner is storing and starting; answer with its application once it has. An
            // owner that does not finish (its process died mid-request) must not be answered for: the kiosk retries,
            // and once the claim is stale its retry takes it over and creates the application (found by `faults kill`).
            (IdempotencyEntry? completed, bool forgotten) = await ledger.WaitForCompletionAsync(
                request.Kiosk.Principal, request.IdempotencyKey, (id, ct) => HasStartedAsync(client, id, ct), DuplicatePatience, cancellationToken);
            if (forgotten && retryIfForgotten)
            {
                // The owner was refused (its citizen has an application in flight) and forgot the key: answer as it would now.
                return await AcceptAsync(request, client, retryIfForgotten: false, cancellationToken);
            }

            if (completed is null)
            {
                return IntakeResult.Refused(Problems.Status(StatusCodes.Status503ServiceUnavailable, "submission-in-progress",
                    "The first copy of this submission is still being processed",
                    $"Retry with the same Idempotency-Key; after {IdempotencyLedger.StaleAfter.TotalSeconds:0} s an unfinished first copy is taken over.")) with
                {
                    FirstCopyUnfinished = true,
                };
            }

            entry = completed;
        }

        string statusUrl = ApiRoutes.StatusUrl(entry.ApplicationId);
        return IntakeResult.Accept(new SubmissionAccepted(entry.ApplicationId, ApplicationStage.Received, statusUrl, entry.DueAt), replayed: !owned);
    }

    /// <summary>Stores the documents and starts the workflow; false when the claim was lost to a retry before the start.</summary>
    async Task<bool> CreateAsync(
        IntakeRequest request, IdempotencyClaim claim, string? concurrent, DurableTaskClient client, CancellationToken cancellationToken)
    {
        IdempotencyEntry entry = claim.Entry;
        string id = entry.ApplicationId;

        // Up to 16 documents: written side by side, each create-only, so a retry rewrites nothing.
        DocumentReference[] stored = await Task.WhenAll(request.Submission.Documents.Select(document =>
            documents.StoreOnceAsync(id, document.Name, document.Content, document.ContentType, cancellationToken)));

        ValidSubmission s = request.Submission;
        var header = new ApplicationHeader(id, s.Type, request.Kiosk.Province ?? s.ResidenceProvinceCode, request.Kiosk.Principal, entry.ReceivedAt, entry.DueAt, request.Kiosk.Commune, request.Kiosk.District);
        var input = new CardApplicationInput(
            header, s.Applicant, stored.Single(d => d.BlobName.EndsWith("/" + SubmissionParts.Portrait, StringComparison.Ordinal)), stored, policy.CurrentValue with { Holidays = calendar.Holidays },
            Destination: new CardDestination(s.Delivery, header.KioskId, s.ResidenceProvinceCode),
            ConcurrentApplication: concurrent,
            WorkflowVersion: versioning.CurrentValue.OrchestrationVersion);
        if (!await ledger.KeepAsync(request.Kiosk.Principal, request.IdempotencyKey, claim, cancellationToken))
        {
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                CardApplicationOrchestration.Name, input, new StartOrchestrationOptions(id), cancellationToken);
        }
        catch (Exception)
        {
            // Started by a takeover racing us? Then the application exists, which is all that matters.
            if (await client.GetInstanceAsync(id, CancellationToken.None) is null)
            {
                throw;
            }
        }

        return true;
    }

    /// <summary>
    /// The key's application exists: its workflow was started (or, purged after its retention, it left its projection
    /// row), so a copy of the request must never start it again.
    /// </summary>
    async Task<bool> HasStartedAsync(DurableTaskClient client, string applicationId, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(applicationId, getInputsAndOutputs: false, cancellationToken) is not null
        || await projection.GetAreaAsync(applicationId, cancellationToken) is not null;

    /// <summary>409 naming the application in flight for the same citizen.</summary>
    public static IResult InFlight(string? holder) =>
        Problems.Status(StatusCodes.Status409Conflict, "application-in-flight", "The citizen already has an application in flight",
            $"Application {holder} for this citizen is still under way; one citizen has one application in flight. Wait until it ends, or ask an officer to release it (lost or damaged card).",
            new Dictionary<string, object?> { ["applicationId"] = holder, ["statusUrl"] = holder is null ? null : ApiRoutes.StatusUrl(holder) });

    /// <summary>
    /// A digest of what was submitted, independent of multipart boundaries and part order: the same submission sent
    /// again digests the same; any changed byte in any part does not.
    /// </summary>
    public static string DigestOf(IEnumerable<SubmittedPart> parts)
    {
        var text = new StringBuilder();
        foreach (SubmittedPart part in parts.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append(part.Name).Append('=').Append(Convert.ToHexStringLower(SHA256.HashData(part.Content))).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>A submission ready to accept: who sent it, under which key, and what it holds.</summary>
public sealed record IntakeRequest(Caller Kiosk, string IdempotencyKey, string RequestDigest, ValidSubmission Submission);

/// <summary>Accepted (first time or replayed) or refused with a problem.</summary>
/// <param name="FirstCopyUnfinished">Refused only because an earlier copy with the same key is still being taken in:
/// try again later.</param>
public sealed record IntakeResult(SubmissionAccepted? Accepted, bool Replayed, IResult? Problem, bool FirstCopyUnfinished = false)
{
    public static IntakeResult Accept(SubmissionAccepted accepted, bool replayed) => new(accepted, replayed, null);

    public static IntakeResult Refused(IResult problem) => new(null, false, problem);
}

/// <summary>The 202 answer to a submission (the same for every retry with the same key).</summary>
public sealed record SubmissionAccepted(string ApplicationId, ApplicationStage Stage, string StatusUrl, DateTimeOffset DueAt);
