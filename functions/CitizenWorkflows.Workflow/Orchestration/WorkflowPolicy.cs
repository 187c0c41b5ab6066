using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// The rules one application runs under. Bound from configuration section <c>Workflow</c> at intake and carried in
/// the orchestration input, so a configuration change never alters a running instance on replay.
/// </summary>
public sealed record WorkflowPolicy
{
    public const string SectionName = "Workflow";

    /// <summary>Approve without an officer once documents and biometrics are clean.</summary>
    public bool AutoApprove { get; init; }

    /// <summary>
    /// Working days (Monday–Friday minus <see cref="Holidays"/>, Vietnam time) an officer at one level has to decide before
    /// the application escalates. Null: <see cref="ApprovalDeadline"/> instead (short deadlines in tests and drills).
    /// </summary>
    public int? ApprovalWorkingDays { get; init; }

    /// <summary>How long an officer at one level has to decide, when <see cref="ApprovalWorkingDays"/> is not set.</summary>
    public TimeSpan ApprovalDeadline { get; init; } = TimeSpan.FromDays(2);

    /// <summary>The public holidays, copied from <c>Calendar:Holidays</c> at intake so a running workflow's deadlines never move.</summary>
    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];

    /// <summary>Escalations (commune → district → province) before an undecided application fails.</summary>
    public int ApprovalEscalations { get; init; } = 2;

    public TimeSpan PrintDeadline { get; init; } = TimeSpan.FromDays(2);

    public int MaxPrintAttempts { get; init; } = 3;

    public TimeSpan ShippingDeadline { get; init; } = TimeSpan.FromDays(2);

    public int MaxShippingAttempts { get; init; } = 3;

    public TimeSpan DeliveryDeadline { get; init; } = TimeSpan.FromDays(3);

    public int MaxDeliveryAttempts { get; init; } = 3;

    /// <summary>How long a card waits at the station for the citizen before the application fails as not collected.</summary>
    public TimeSpan CollectionDeadline { get; init; } = TimeSpan.FromDays(90);

    /// <summary>When an officer level that starts waiting at <paramref name="utcNow"/> must have decided on approval.</summary>
    public DateTime ApprovalDueFrom(DateTime utcNow) => ApprovalWorkingDays is int days
        ? new WorkingDayCalendar(Holidays).AddWorkingDays(new DateTimeOffset(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc)), days).UtcDateTime
        : utcNow.Add(ApprovalDeadline);

    /// <summary>How long an officer at one level has to adjudicate a possible duplicate before it escalates.</summary>
    public TimeSpan AdjudicationDeadline { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Escalations of an unadjudicated duplicate before the application fails.</summary>
    public int AdjudicationEscalations { get; init; } = 2;

    /// <summary>Send fingerprint searches to the external matcher (ABIS) instead of the built-in one.</summary>
    public bool ExternalMatcher { get; init; }

    /// <summary>How long the external matcher has to answer one search request.</summary>
    public TimeSpan BiometricResultDeadline { get; init; } = TimeSpan.FromHours(4);

    public int MaxBiometricSearchAttempts { get; init; } = 3;

    /// <summary>How long a kiosk has to send the parts an officer asked for before the application fails.</summary>
    public TimeSpan InformationDeadline { get; init; } = TimeSpan.FromDays(14);
}
