namespace CitizenWorkflows.Workflow.Biometrics.Fingerprints;

/// <summary>A rule a set of fingerprint templates breaks; <see cref="Index"/> is the part's place in the input.</summary>
public sealed record TemplateViolation(int Index, int Position, string Rule, string Message);

/// <summary>Thresholds for <see cref="TemplateRules"/>.</summary>
public sealed record TemplateRuleOptions
{
    public int MinimumMinutiae { get; init; } = 12;

    public int MinimumFingerQuality { get; init; } = 40;
}

/// <summary>Checks the fingerprint templates of one submission: positions 1–10 each at most once, each record's
/// finger views at the part's position, enough minutiae and a sufficient finger quality.</summary>
public static class TemplateRules
{
    public const string PositionRange = "fingerprint.position-range";
    public const string PositionDuplicate = "fingerprint.position-duplicate";
    public const string PositionMismatch = "fingerprint.position-mismatch";
    public const string TooFewMinutiae = "fingerprint.too-few-minutiae";
    public const string QualityLow = "fingerprint.quality-low";

    public static IReadOnlyList<TemplateViolation> Validate(IReadOnlyList<(int Position, MinutiaeRecord Record)> templates, TemplateRuleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        options ??= new TemplateRuleOptions();
        var violations = new List<TemplateViolation>();
        var seen = new HashSet<int>();
        for (int i = 0; i < templates.Count; i++)
        {
            (int position, MinutiaeRecord record) = templates[i];
            if (position is < 1 or > 10)
            {
                violations.Add(new(i, position, PositionRange, $"finger position {position} is not 1–10"));
            }
            else if (!seen.Add(position))
            {
                violations.Add(new(i, position, PositionDuplicate, $"finger position {position} is submitted more than once"));
            }

            foreach (FingerView view in record.Views)
            {
                if (view.FingerPosition != position)
                {
                    violations.Add(new(i, position, PositionMismatch, $"the part is for finger {position} but its record holds a view of finger {view.FingerPosition}"));
                }

                if (view.Minutiae.Count < options.MinimumMinutiae)
                {
                    violations.Add(new(i, position, TooFewMinutiae, $"the view of finger {view.FingerPosition} has {view.Minutiae.Count} minutiae, fewer than {options.MinimumMinutiae}"));
                }

                if (view.FingerQuality < options.MinimumFingerQuality)
                {
                    violations.Add(new(i, position, QualityLow, $"the view of finger {view.FingerPosition} has quality {view.FingerQuality}, below {options.MinimumFingerQuality}"));
                }
            }
        }

        return violations;
    }
}
