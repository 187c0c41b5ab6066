using System.Globalization;
using CitizenWorkflows.Workflow.Biometrics;

namespace CitizenWorkflows.Biometrics.Portrait;

/// <summary>
/// One portrait measurement against its accepted range (<see cref="Min"/> and/or <see cref="Max"/>, both inclusive).
/// <see cref="Value"/> is null when the property could not be measured. <see cref="MeasuredText"/> and
/// <see cref="RequiredText"/> override the generated texts for non-numeric checks such as the format.
/// </summary>
public sealed record PortraitMeasurement(
    string Name, double? Value, double? Min, double? Max, string Unit = "", string? MeasuredText = null, string? RequiredText = null)
{
    public bool Passed => Value is double v && !double.IsNaN(v) && (Min is not double lo || v >= lo) && (Max is not double hi || v <= hi);

    /// <summary>The workflow's generic form: measured text, required text, pass/fail.</summary>
    public QualityCheck ToQualityCheck() =>
        new(Name, MeasuredText ?? (Value is double v ? Format(v) + Unit : "not measurable"), RequiredText ?? Required(), Passed);

    private string Required() => (Min, Max) switch
    {
        (double lo, double hi) when lo == hi => $"= {Format(lo)}{Unit}",
        (double lo, double hi) => $"{Format(lo)}{Unit} .. {Format(hi)}{Unit}",
        (double lo, null) => $">= {Format(lo)}{Unit}",
        (null, double hi) => $"<= {Format(hi)}{Unit}",
        _ => "any",
    };

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
