using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Domain;

/// <summary>Where a card application is in its lifecycle (docs/design.md, The lifecycle).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApplicationStage>))]
public enum ApplicationStage
{
    Received,
    DocumentsStored,
    BiometricCheck,
    ManualReview,
    AwaitingApproval,
    Approved,
    Rejected,
    Personalised,
    Printing,
    Printed,
    /// <summary>Picked up by the courier.</summary>
    Shipped,

    /// <summary>The courier reported the card on its way to the station or the address.</summary>
    InTransit,

    /// <summary>At the police station, waiting for the citizen to collect it (delivered there, or returned after failed
    /// deliveries).</summary>
    AtStation,
    Delivered,
    Failed,

    /// <summary>Stopped by an operator (terminated with a reason); final.</summary>
    Cancelled,

    /// <summary>Paused by an operator; the projection shows it until the workflow is resumed.</summary>
    Suspended,

    /// <summary>An officer asked the kiosk for missing parts; the workflow waits for them.</summary>
    AwaitingInformation,
}

public static class ApplicationStageExtensions
{
    /// <summary>True for stages after which the workflow does nothing more.</summary>
    public static bool IsFinal(this ApplicationStage stage) =>
        stage is ApplicationStage.Delivered or ApplicationStage.Rejected or ApplicationStage.Failed or ApplicationStage.Cancelled;
}
