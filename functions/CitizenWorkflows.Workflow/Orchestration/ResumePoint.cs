using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// Where a re-driven run picks up. Every step is idempotent for its application id (documents re-verified, enrolment
/// and personal number insert-if-absent, card documents stored first-wins), so a run may always start from the
/// beginning; stages already passed are skipped when their results are recoverable from storage: an approval is not
/// asked for again, and a partner step that succeeded (printed, shipped) is not repeated.
/// </summary>
/// <param name="Redrive">1 for the first re-drive.</param>
/// <param name="Sequence">The last timeline sequence recorded so far; the new run's transitions follow it.</param>
/// <param name="Reached">The stages the earlier runs reached (from the timeline).</param>
/// <param name="ApprovedBy">Who approved, when <see cref="ApplicationStage.Approved"/> was reached.</param>
public sealed record ResumePoint(int Redrive, int Sequence, IReadOnlyList<ApplicationStage> Reached, string? ApprovedBy = null)
{
    public bool HasReached(ApplicationStage stage) => Reached.Contains(stage);

    /// <summary>Work orders of a partner step are numbered on from the earlier runs', so none is taken for a duplicate.</summary>
    public int OrdersBefore(int maxAttempts) => Redrive * maxAttempts;
}
