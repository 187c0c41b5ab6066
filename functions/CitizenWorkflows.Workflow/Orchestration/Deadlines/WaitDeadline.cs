namespace CitizenWorkflows.Workflow.Orchestration.Deadlines;

/// <summary>
/// The deadline of one wait of an application's workflow, as the deadline index holds it. <paramref name="Wait"/> is
/// the journal sequence of the transition that opened the wait: the <see cref="DeadlinePassed"/> event carries it back,
/// so a deadline swept late never ends a newer wait.
/// </summary>
public sealed record WaitDeadline(string ApplicationId, int Wait, DateTimeOffset DueAt);

/// <summary>The payload of the <see cref="ApplicationEvents.Deadline"/> event: the wait whose deadline passed.</summary>
public sealed record DeadlinePassed(int Wait);

/// <summary>What a journal flush changes in the deadline index: the waits that ended, and the wait that began (if any).</summary>
public sealed record DeadlineChanges(IReadOnlyList<WaitDeadline> Ended, WaitDeadline? Began);
