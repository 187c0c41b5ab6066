using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Biometrics;

/// <summary>
/// The portrait check of the biometric stage: reads the stored portrait (hash re-verified) and measures it with the
/// registered <see cref="IPortraitQuality"/>. Each check reports its measured value so a rejection says exactly what
/// was wrong.
/// </summary>
public sealed class CheckPortrait(DocumentStore documents, IPortraitQuality quality) : TaskActivity<DocumentReference, PortraitCheckResult>
{
    public override async Task<PortraitCheckResult> RunAsync(TaskActivityContext context, DocumentReference input)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] bytes = await documents.ReadVerifiedAsync(input, CancellationToken.None);
        return new PortraitCheckResult(quality.Evaluate(bytes));
    }
}

/// <summary>One measured property of a capture against its threshold.</summary>
public sealed record QualityCheck(string Name, string Measured, string Required, bool Passed);

public sealed record PortraitCheckResult(IReadOnlyList<QualityCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>"sharpness 12.3 (required >= 50); …" for the failed checks.</summary>
    public string DescribeFailures() => string.Join("; ", Checks.Where(c => !c.Passed).Select(c => $"{c.Name} {c.Measured} (required {c.Required})"));
}
