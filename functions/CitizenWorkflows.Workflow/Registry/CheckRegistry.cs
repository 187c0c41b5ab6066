using CitizenWorkflows.Workflow.Domain;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>
/// Intake's registry check: looks the applicant's personal number up in the population registry and compares the
/// declared name, birth date, sex and birth province. No number means Unknown without a lookup (a new number is
/// allocated at personalisation). Logs nothing about the person.
/// </summary>
public sealed class CheckRegistry(PopulationRegistry registry) : TaskActivity<RegistryCheckRequest, RegistryMatch>
{
    public override async Task<RegistryMatch> RunAsync(TaskActivityContext context, RegistryCheckRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (string.IsNullOrWhiteSpace(input.PersonalNumber))
        {
            return RegistryMatch.Unknown;
        }

        CitizenRecord? record = await registry.GetAsync(input.PersonalNumber.Trim(), CancellationToken.None);
        return RegistryComparison.Compare(record, input.FullName, input.DateOfBirth, input.Sex, input.BirthProvinceCode);
    }
}

/// <summary>The applicant's fields the registry check compares; the number is null when the applicant has none.</summary>
public sealed record RegistryCheckRequest(string? PersonalNumber, string FullName, DateOnly DateOfBirth, Sex Sex, string BirthProvinceCode)
{
    public static RegistryCheckRequest For(Applicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        return new(applicant.PersonalNumber, applicant.FullName, applicant.DateOfBirth, applicant.Sex, applicant.BirthProvinceCode);
    }
}
