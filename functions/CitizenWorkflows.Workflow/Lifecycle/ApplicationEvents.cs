namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>The names of the external events an application's workflow waits for.</summary>
public static class ApplicationEvents
{
    public const string ApprovalDecision = "approval-decision";
    public const string AdjudicationDecision = "adjudication-decision";
    public const string BiometricResult = "biometric-result";
    public const string CardPrinted = "card-printed";
    public const string CardPrintFailed = "card-print-failed";
    public const string CardShipped = "card-shipped";
    public const string CardShippingFailed = "card-shipping-failed";
    public const string CardDelivered = "card-delivered";
    public const string CardDeliveryFailed = "card-delivery-failed";

    /// <summary>A kiosk sent the parts an officer asked for (POST …/parts).</summary>
    public const string InformationProvided = "information-provided";
}
