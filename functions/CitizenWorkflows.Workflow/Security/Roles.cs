namespace CitizenWorkflows.Workflow.Security;

/// <summary>Who may call the API. Each credential has exactly one role.</summary>
public static class Roles
{
    public const string Kiosk = "kiosk";
    public const string Operator = "operator";
    public const string PrintCentre = "print-centre";
    public const string Courier = "courier";

    /// <summary>An external biometric matcher (ABIS) answering duplicate searches.</summary>
    public const string BiometricMatcher = "biometric-matcher";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Kiosk, Operator, PrintCentre, Courier, BiometricMatcher };
}
