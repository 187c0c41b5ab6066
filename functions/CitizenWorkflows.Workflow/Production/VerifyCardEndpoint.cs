using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// <c>POST /api/v1/cards/verify</c>: checks a card's signed chip data (a <c>chip.json</c>, or what a reader took off a
/// chip) against the card-signing keys. A signature that does not hold is an answer (valid: false, with the reason),
/// not an HTTP error; a body that is no signed chip data at all is a 422.
/// </summary>
public sealed class VerifyCardEndpoint(CardSigner signer)
{
    const long MaxBodyBytes = 16 * 1024;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        (SignedChipData? body, IResult? problem) = await RequestBody.ReadJsonAsync<SignedChipData>(request, MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<FieldError>();
        foreach ((string field, string? value) in new[]
        {
            ("algorithm", body!.Algorithm), ("keyId", body.KeyId), ("chipDataBase64", body.ChipDataBase64), ("signatureBase64", body.SignatureBase64),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new(field, "required", "is required: send the chip.json of the card as it is"));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        ChipSignatureCheck check = signer.Verify(body);
        return Results.Ok(new CardVerification(check.IsValid, check.Status.ToString(), check.Reason, body.KeyId, check.Data));
    }
}

/// <summary>The answer of a card verification; <see cref="Data"/> only when the signature holds.</summary>
public sealed record CardVerification(bool Valid, string Status, string Reason, string KeyId, ChipData? Data);
