using CitizenWorkflows.Workflow.Domain;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// Personalisation: confirms the applicant's personal number or allocates a new one, and builds the card's QR
/// payload in the CCCD format.
/// </summary>
public sealed class PersonaliseCard(PersonalNumberRegistry registry) : TaskActivity<PersonalisationRequest, CardData>
{
    public override async Task<CardData> RunAsync(TaskActivityContext context, PersonalisationRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Applicant applicant = input.Applicant;
        PersonalNumber number;
        bool allocated;
        if (applicant.PersonalNumber is { } given)
        {
            number = PersonalNumber.Parse(given);
            await registry.ConfirmAsync(number, input.ApplicationId, CancellationToken.None);
            allocated = false;
        }
        else
        {
            string prefix = PersonalNumber.PrefixFor(applicant.BirthProvinceCode, applicant.DateOfBirth, applicant.Sex);
            number = await registry.AllocateAsync(prefix, input.ApplicationId, CancellationToken.None);
            allocated = true;
        }

        string qr = CccdQrPayload.For(applicant, number.Value, input.IssueDate).Encode();
        return new CardData(number.Value, allocated, input.IssueDate, qr);
    }
}

public sealed record PersonalisationRequest(string ApplicationId, Applicant Applicant, DateOnly IssueDate);

/// <summary>What personalisation produced for the card.</summary>
public sealed record CardData(string PersonalNumber, bool NumberAllocated, DateOnly IssueDate, string QrPayload);
