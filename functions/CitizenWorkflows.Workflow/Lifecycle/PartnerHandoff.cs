using CitizenWorkflows.Workflow.Domain;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// One step where a partner does the work and reports back: send the work order, wait for the success or failure
/// callback or the deadline, and retry (reprint, re-ship, re-deliver) up to the attempt limit.
/// </summary>
/// <param name="WaitingStage">The stage the application is in while the partner works.</param>
/// <param name="DoneStage">The stage reached when the partner reports success.</param>
public sealed record PartnerHandoff(
    WorkOrderKind Kind,
    string Partner,
    ApplicationStage WaitingStage,
    ApplicationStage DoneStage,
    string SuccessEvent,
    string FailureEvent)
{
    /// <summary>Runs the handoff: the partner's success callback, or the reason it finally failed.</summary>
    /// <param name="ordersBefore">Orders sent by earlier runs (a re-drive): this run's orders are numbered after them.</param>
    public async Task<HandoffOutcome> RunAsync(
        TaskOrchestrationContext context, ApplicationJournal journal, ApplicationHeader header, TimeSpan deadline, int maxAttempts, int ordersBefore = 0)
    {
        string[] waitingFor = [SuccessEvent, FailureEvent];
        string lastFailure = "no attempt made";
        int lastAttempt = ordersBefore + maxAttempts;
        for (int attempt = ordersBefore + 1; attempt <= lastAttempt; attempt++)
        {
            // Record the wait before sending the order, so a fast partner's callback finds the workflow waiting.
            DateTime due = context.CurrentUtcDateTime.Add(deadline);
            await journal.RecordAsync(
                WaitingStage,
                cause: "workflow",
                detail: $"{Kind} order {attempt} of {lastAttempt} sent to {Partner}",
                waitingFor,
                new DateTimeOffset(due, TimeSpan.Zero));
            await context.CallActivityAsync<string>(
                nameof(DispatchWorkOrder), new WorkOrder(header.ApplicationId, Kind, attempt, header.Province), ActivityRetry.Storage);

            EventOrDeadline<PartnerCallback> answer = await context.WaitForFirstEventAsync<PartnerCallback>(waitingFor, due);
            while (answer.Payload?.Attempt is int answered && answered != attempt)
            {
                // A late answer to an earlier order (the partner echoes its number): it says nothing about this one.
                await journal.RecordAsync(
                    WaitingStage, Cause(answer.Payload), $"ignored a late answer to {Kind} order {answered}; waiting for order {attempt}",
                    waitingFor, new DateTimeOffset(due, TimeSpan.Zero));
                answer = await context.WaitForFirstEventAsync<PartnerCallback>(waitingFor, due);
            }

            if (answer.EventName == SuccessEvent)
            {
                await journal.RecordAsync(DoneStage, Cause(answer.Payload), DescribeSuccess(answer.Payload));
                return new HandoffOutcome(answer.Payload, null);
            }

            lastFailure = answer.DeadlinePassed
                ? $"{Partner} did not answer {Kind} order {attempt} before its deadline"
                : $"{Partner} reported {Kind} order {attempt} failed: {answer.Payload?.Reason}";
            await journal.RecordAsync(WaitingStage, answer.DeadlinePassed ? "deadline" : Cause(answer.Payload), lastFailure);
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

/// <summary>How a handoff ended: the partner's success callback, or the reason it failed after the last attempt.</summary>
public sealed record HandoffOutcome(PartnerCallback? Success, string? Failure);
