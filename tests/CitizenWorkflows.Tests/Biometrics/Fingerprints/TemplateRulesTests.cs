using CitizenWorkflows.Workflow.Biometrics.Fingerprints;

namespace CitizenWorkflows.Tests.Biometrics.Fingerprints;

public class TemplateRulesTests
{
    static MinutiaeRecord Record(int position, int minutiae = 20, int quality = 80) =>
        new(0, 0, 500, 550, 197, 197,
            [new FingerView(position, 0, 0, quality, [.. Enumerable.Range(0, minutiae).Select(i => new Minutia(MinutiaType.RidgeEnding, 20 + (i * 10), 30, 0, 60))])]);

    static string[] Rules(IReadOnlyList<(int Position, MinutiaeRecord Record)> parts, TemplateRuleOptions? options = null) =>
        [.. TemplateRules.Validate(parts, options).Select(v => v.Rule)];

    [Fact]
    public void Ten_good_fingers_pass()
    {
        Assert.Empty(Rules([.. Enumerable.Range(1, 10).Select(p => (p, Record(p)))]));
    }

    [Fact]
    public void A_position_submitted_twice_is_a_duplicate()
    {
        IReadOnlyList<TemplateViolation> violations = TemplateRules.Validate([(1, Record(1)), (2, Record(2)), (1, Record(1))]);
        TemplateViolation v = Assert.Single(violations);
        Assert.Equal((2, 1, "fingerprint.position-duplicate"), (v.Index, v.Position, v.Rule));
    }

    [Fact]
    public void A_record_for_another_finger_is_a_mismatch()
    {
        Assert.Equal(["fingerprint.position-mismatch"], Rules([(2, Record(7))]));
    }

    [Fact]
    public void Too_few_minutiae_uses_the_configured_minimum()
    {
        Assert.Equal(["fingerprint.too-few-minutiae"], Rules([(1, Record(1, minutiae: 11))]));
        Assert.Empty(Rules([(1, Record(1, minutiae: 12))]));
        Assert.Equal(["fingerprint.too-few-minutiae"], Rules([(1, Record(1, minutiae: 12))], new TemplateRuleOptions { MinimumMinutiae = 20 }));
    }

    [Fact]
    public void Low_finger_quality_is_reported()
    {
        Assert.Equal(["fingerprint.quality-low"], Rules([(1, Record(1, quality: 20))]));
    }

    [Fact]
    public void A_position_outside_1_to_10_is_reported_and_several_rules_can_fire_at_once()
    {
        Assert.Equal(
            ["fingerprint.position-range", "fingerprint.position-mismatch", "fingerprint.too-few-minutiae", "fingerprint.quality-low"],
            Rules([(0, Record(3, minutiae: 5, quality: 10))]));
    }
}
