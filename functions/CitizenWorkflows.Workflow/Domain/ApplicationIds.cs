namespace CitizenWorkflows.Workflow.Domain;

/// <summary>Application ids are 32 lowercase hex digits (a version-7 GUID); anything else cannot exist.</summary>
public static class ApplicationIds
{
    public static bool IsWellFormed(string? id) =>
        id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
