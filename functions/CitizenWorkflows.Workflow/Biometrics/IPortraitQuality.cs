namespace CitizenWorkflows.Workflow.Biometrics;

/// <summary>
/// Measures a captured portrait against the programme's quality rules. The hosts register the OpenCV implementation
/// (CitizenWorkflows.Biometrics.Portrait); another engine plugs in by registering its own.
/// </summary>
public interface IPortraitQuality
{
    /// <summary>Every check with its measured value, threshold and verdict, in report order.</summary>
    IReadOnlyList<QualityCheck> Evaluate(byte[] image);
}
