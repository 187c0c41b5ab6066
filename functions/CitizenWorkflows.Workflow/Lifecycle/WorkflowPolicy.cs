namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// The rules one application runs under. Bound from configuration section <c>Workflow</c> at intake and carried in
/// the orchestration input, so a configuration change never alters a running instance on replay.
/// </summary>
public sealed record WorkflowPolicy
{
    public const string SectionName = "Workflow";

    /// <summary>Approve without an officer once documents and biometrics are clean.</summary>
    public bool AutoApprove { get; init; }

    /// <summary>How long an officer at one level has to decide before the application escalates.</summary>
    public TimeSpan ApprovalDeadline { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Escalations (commune → district → province) before an undecided application fails.</summary>
    public int ApprovalEscalations { get; init; } = 2;

    public TimeSpan PrintDeadline { get; init; } = TimeSpan.FromDays(2);

    public int MaxPrintAttempts { get; init; } = 3;

    public TimeSpan ShippingDeadline { get; init; } = TimeSpan.FromDays(2);

    public int MaxShippingAttempts { get; init; } = 3;

    public TimeSpan DeliveryDeadline { get; init; } = TimeSpan.FromDays(3);

    public int MaxDeliveryAttempts { get; init; } = 3;

    public int PortraitMinWidth { get; init; } = 300;

    public int PortraitMinHeight { get; init; } = 400;
}
