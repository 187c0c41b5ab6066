using System.Text.Json;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// Personalisation: confirms the applicant's personal number or allocates a new one, sets the card number, issue and
/// expiry dates, builds the CCCD QR payload and its image, and signs the chip data. Stores what the print centre
/// prints from: <c>card.json</c>, <c>qr.png</c> and <c>chip.json</c> (the signed chip data). A newly allocated number is
/// linked to the applicant's enrolments here too, so this person's renewals are not taken for duplicates.
/// </summary>
public sealed class PersonaliseCard(PersonalNumberRegistry registry, DocumentStore documents, CardSigner signer, EnrolmentLinks enrolments)
    : TaskActivity<PersonalisationRequest, PersonalisedCard>
{
    public const string CardDocument = "card.json";
    public const string QrDocument = "qr.png";
    public const string ChipDocument = "chip.json";

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

        // Defence in depth behind intake's one-citizen claim: never a second card for a number with one in production.
        if (await registry.StartProductionAsync(number, input.ApplicationId, CancellationToken.None) is { } inProduction)
        {
            return PersonalisedCard.Refused(number.Value, allocated, inProduction);
        }

        // The CCCD's card number is the personal number.
        string cardNumber = number.Value;
        DateOnly? expiry = CardValidity.ExpiryFor(applicant.DateOfBirth, input.IssueDate);
        CccdQrPayload qr = CccdQrPayload.For(applicant, number.Value, input.IssueDate);
        var card = new CardData(number.Value, allocated, cardNumber, input.IssueDate, expiry, qr.Encode());

        // The chip carries digests of the portrait and fingerprints as intake stored them (verified at the start of the workflow).
        var chip = new ChipData(
            number.Value, cardNumber, applicant.FullName, applicant.DateOfBirth, applicant.Sex, ChipData.VietnameseNationality,
            applicant.BirthProvinceCode, applicant.Residence, input.IssueDate, expiry, input.Portrait.Sha256,
            [.. input.Fingerprints
                .Select(f => (Position: SubmissionParts.FingerPositionOf(f.BlobName), f.Sha256))
                .Where(f => f.Position is not null)
                .OrderBy(f => f.Position)
                .Select(f => new FingerprintDigest(f.Position!.Value, f.Sha256))]);

        // A retry allocates the same number (candidates derive from the application id), so card.json and qr.png come out
        // the same; a signature does not (ECDSA is randomised), so the first chip.json stored is the one kept.
        Task<DocumentReference> cardStored = documents.StoreOnceAsync(
            input.ApplicationId, CardDocument, JsonSerializer.SerializeToUtf8Bytes(card, JsonSerializerOptions.Web), "application/json", CancellationToken.None);
        Task<DocumentReference> qrStored = documents.StoreOnceAsync(
            input.ApplicationId, QrDocument, CardQrCode.RenderPng(qr), "image/png", CancellationToken.None);
        Task<DocumentReference> chipStored = documents.StoreFirstAsync(
            input.ApplicationId, ChipDocument, JsonSerializer.SerializeToUtf8Bytes(signer.Sign(chip), JsonSerializerOptions.Web), "application/json", CancellationToken.None);
        Task linked = allocated
            ? enrolments.LinkAsync(new EnrolmentLink(input.ApplicationId, applicant, number.Value), CancellationToken.None)
            : Task.CompletedTask;
        await Task.WhenAll(cardStored, qrStored, chipStored, linked);
        return new PersonalisedCard(card.PersonalNumber, card.NumberAllocated, expiry, await cardStored, await qrStored, await chipStored);
    }
}

/// <param name="Portrait">The stored portrait, whose digest the chip carries.</param>
/// <param name="Fingerprints">The stored fingerprint parts, whose digests the chip carries by finger position.</param>
public sealed record PersonalisationRequest(
    string ApplicationId, Applicant Applicant, DateOnly IssueDate, DocumentReference Portrait, IReadOnlyList<DocumentReference> Fingerprints);

/// <summary>The data printed on the card (stored as <c>card.json</c>).</summary>
/// <param name="ExpiryDate">Null: valid for life.</param>
public sealed record CardData(string PersonalNumber, bool NumberAllocated, string CardNumber, DateOnly IssueDate, DateOnly? ExpiryDate, string QrPayload);

/// <summary>What the workflow keeps of personalisation: the number and expiry, and references to the documents, not their data.</summary>
/// <param name="InProductionFor">Set when nothing was personalised: the other application whose card for the number is
/// in production.</param>
public sealed record PersonalisedCard(
    string PersonalNumber, bool NumberAllocated, DateOnly? ExpiryDate, DocumentReference? CardData, DocumentReference? QrImage, DocumentReference? SignedChip,
    string? InProductionFor = null)
{
    public static PersonalisedCard Refused(string personalNumber, bool allocated, string inProductionFor) =>
        new(personalNumber, allocated, null, null, null, null, inProductionFor);
}
