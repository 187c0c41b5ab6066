using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// One step where a partner does the work and reports back: send the work order, wait for the success or failure
/// callback or the deadline, and retry (reprint, re-ship, re-deliver) up to the attempt limit.
/// </summary>
/// <param name="WaitingStage">The stage the application is in while the partner works.</param>
/// <param name="DoneStage">The stage reached when the partner reports success.</param>
/// <param name="FailureEvent">The partner's failure callback; null when the partner only ever reports success (or nothing).</param>
/// <param name="Progress">Callbacks that move the application on while the same order is still being worked (in transit).</param>
public sealed record PartnerHandoff(
    WorkOrderKind Kind,
    string Partner,
    ApplicationStage WaitingStage,
    ApplicationStage DoneStage,
    string SuccessEvent,
    string? FailureEvent,
    IReadOnlyList<PartnerProgress>? Progress = null)
{
    /// <summary>Runs the handoff: the partner's success callback, or the reason it finally failed.</summary>
    /// <param name="destination">Where the order sends the card (a shipment group, a station), if the kind needs one.</param>
    /// <param name="ordersBefore">Orders sent by earlier runs (a re-drive): this run's orders are numbered after them.</param>
    /// <param name="firstOrderCarried">The first attempt needs no order of its own: the shipment that brought the card
    /// carries it on.</param>
    public async Task<HandoffOutcome> RunAsync(
        TaskOrchestrationContext context, ApplicationJournal journal, ApplicationHeader header, TimeSpan deadline, int maxAttempts,
        string? destination = null, int ordersBefore = 0, bool firstOrderCarried = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(header);
        IReadOnlyList<PartnerProgress> progress = Progress ?? [];
        string[] waitingFor = [SuccessEvent, .. FailureEvent is null ? Array.Empty<string>() : [FailureEvent], .. progress.Select(p => p.Event)];
        string lastFailure = "no attempt made";
        int lastAttempt = ordersBefore + maxAttempts;
        for (int attempt = ordersBefore + 1; attempt <= lastAttempt; attempt++)
        {
            // Record the wait before sending the order, so a fast partner's callback finds the workflow waiting.
            DateTime due = context.CurrentUtcDateTime.Add(deadline);
            var dueAt = new DateTimeOffset(due, TimeSpan.Zero);
            bool carriedOn = attempt == ordersBefore + 1 && firstOrderCarried;
            await journal.RecordAsync(
                WaitingStage,
                cause: "workflow",
                detail: carriedOn
                    ? $"{Kind} {attempt} of {lastAttempt}: carried on from the shipment by the {Partner}"
                    : $"{Kind} order {attempt} of {lastAttempt} sent to {Partner}",
                waitingFor,
                dueAt,
                writtenByNextActivity: !carriedOn);
            if (!carriedOn)
            {
                // One activity records the wait (and indexes its deadline), then sends the order.
                await context.CallActivityAsync<string>(
                    nameof(DispatchWorkOrder),
                    new WorkOrderDispatch(new WorkOrder(header.ApplicationId, Kind, attempt, header.Province, destination), journal.TakeUnwritten()),
                    ActivityRetry.Storage);
            }

            EventOrDeadline<PartnerCallback> answer = await context.WaitForFirstEventAsync<PartnerCallback>(waitingFor, journal.OpenWait);
            while (!answer.DeadlinePassed
                && (answer.Payload?.Attempt is int answered && answered != attempt || progress.Any(p => p.Event == answer.EventName)))
            {
                if (answer.Payload?.Attempt is int late && late != attempt)
                {
                    // A late answer to an earlier order (the partner echoes its number): it says nothing about this one.
                    await journal.RecordAsync(
                        journal.Stage, Cause(answer.Payload), $"ignored a late answer to {Kind} order {late}; waiting for order {attempt}",
                        waitingFor, dueAt);
                }
                else
                {
                    // Progress stays in the same wait with the same deadline: it rides on the next write instead of an
                    // activity of its own (the custom status shows it at once; the projection at the next stage).
                    PartnerProgress step = progress.First(p => p.Event == answer.EventName);
                    await journal.RecordAsync(step.Stage, Cause(answer.Payload), DescribeSuccess(answer.Payload), waitingFor, dueAt, writtenByNextActivity: true);
                }

                answer = await context.WaitForFirstEventAsync<PartnerCallback>(waitingFor, journal.OpenWait);
            }

            if (answer.EventName == SuccessEvent)
            {
                // A final stage (Delivered) rides on the handover's activity, which the workflow calls next.
                await journal.RecordAsync(DoneStage, Cause(answer.Payload), DescribeSuccess(answer.Payload), writtenByNextActivity: DoneStage.IsFinal());
                return new HandoffOutcome(answer.Payload, null);
            }

            lastFailure = answer.DeadlinePassed
                ? $"{Partner} did not answer {Kind} order {attempt} before its deadline"
                : $"{Partner} reported {Kind} order {attempt} failed: {answer.Payload?.Reason}";
            await journal.RecordAsync(journal.Stage, answer.DeadlinePassed ? "deadline" : Cause(answer.Payload), lastFailure);
        }

        return new HandoffOutcome(null, $"{Kind} failed after {maxAttempts} attempts; last: {lastFailure}");
    }

    string Cause(PartnerCallback? callback) => callback?.ReportedBy ?? Partner;

    static string? DescribeSuccess(PartnerCallback? callback) =>
        callback is null ? null : string.Join(", ", new[]
        {
            callback.Reference is null ? null : $"reference {callback.Reference}",
            callback.Recipient is null ? null : "handed over to the recipient",
        }.Where(s => s is not null));
}

/// <summary>A callback that records progress (<paramref name="Stage"/>) while the partner is still working on the order.</summary>
public sealed record PartnerProgress(string Event, ApplicationStage Stage);

/// <summary>How a handoff ended: the partner's success callback, or the reason it failed after the last attempt.</summary>
public sealed record HandoffOutcome(PartnerCallback? Success, string? Failure)
{
    /// <summary>Skipped: an earlier run of a re-driven application got past this step.</summary>
    public static HandoffOutcome Skipped => new(null, null);
}
