using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Domain;

/// <summary>Where a card application is in its lifecycle (DESIGN §2).</summary>
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
    Shipped,
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
