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

    /// <summary>A national supervisor: reads every application in the country, acts on none.</summary>
    public const string Supervisor = "supervisor";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Kiosk, Operator, PrintCentre, Courier, BiometricMatcher, Supervisor };

    /// <summary>Roles whose holders may carry an area (province, district, commune) that bounds what they see and do.</summary>
    public static bool IsAreaBound(string role) => role == Operator;
}
