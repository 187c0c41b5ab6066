namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>The names of the external events an application's workflow waits for.</summary>
public static class ApplicationEvents
{
    public const string ApprovalDecision = "approval-decision";
    public const string AdjudicationDecision = "adjudication-decision";
    public const string BiometricResult = "biometric-result";
    public const string CardPrinted = "card-printed";
    public const string CardPrintFailed = "card-print-failed";
    public const string CardPickedUp = "card-picked-up";
    public const string CardShippingFailed = "card-shipping-failed";
    public const string CardInTransit = "card-in-transit";
    public const string CardAtStation = "card-at-station";
    public const string CardDelivered = "card-delivered";

    /// <summary>The citizen collected the card at the station; an officer confirms it.</summary>
    public const string CardCollected = "card-collected";
    public const string CardDeliveryFailed = "card-delivery-failed";

    /// <summary>A kiosk sent the parts an officer asked for (POST …/parts).</summary>
    public const string InformationProvided = "information-provided";

    /// <summary>
    /// A wait's deadline passed: raised by the deadline sweep (<c>Deadlines/DeadlineSweep</c>), never over HTTP (no
    /// callback route names it).
    /// </summary>
    public const string Deadline = "deadline";
}
