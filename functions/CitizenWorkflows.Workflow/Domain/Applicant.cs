namespace CitizenWorkflows.Workflow.Domain;

/// <summary>The applicant's core DC01 population-information fields, as captured at the kiosk.</summary>
/// <param name="PersonalNumber">Given when the person already has one; otherwise allocated at personalisation.</param>
/// <param name="OldIdNumber">The old 9-digit ID number, if the person had one.</param>
/// <param name="BirthProvinceCode">Province code of the place of birth registration.</param>
public sealed record Applicant(
    string FullName,
    DateOnly DateOfBirth,
    Sex Sex,
    string? PersonalNumber,
    string? OldIdNumber,
    string BirthProvinceCode,
    string Residence);
