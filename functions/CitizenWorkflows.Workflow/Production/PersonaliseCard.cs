using System.Text.Json;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// Personalisation: confirms the applicant's personal number or allocates a new one, builds the card's QR payload
/// in the CCCD format and stores the card data (<c>card.json</c>) that the print centre prints from.
/// </summary>
public sealed class PersonaliseCard(PersonalNumberRegistry registry, DocumentStore documents) : TaskActivity<PersonalisationRequest, PersonalisedCard>
{
    public const string CardDocument = "card.json";

    public override async Task<PersonalisedCard> RunAsync(TaskActivityContext context, PersonalisationRequest input)
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
        var card = new CardData(number.Value, allocated, input.IssueDate, qr);

        // A retry allocates the same number (candidates derive from the application id), so the bytes are the same.
        DocumentReference stored = await documents.StoreOnceAsync(
            input.ApplicationId, CardDocument, JsonSerializer.SerializeToUtf8Bytes(card, JsonSerializerOptions.Web), "application/json", CancellationToken.None);
        return new PersonalisedCard(card.PersonalNumber, card.NumberAllocated, stored);
    }
}

public sealed record PersonalisationRequest(string ApplicationId, Applicant Applicant, DateOnly IssueDate);

/// <summary>The data printed on the card (stored as <c>card.json</c>).</summary>
public sealed record CardData(string PersonalNumber, bool NumberAllocated, DateOnly IssueDate, string QrPayload);

/// <summary>What the workflow keeps of personalisation: the number, and a reference to the card data, not the data.</summary>
public sealed record PersonalisedCard(string PersonalNumber, bool NumberAllocated, DocumentReference CardData);
