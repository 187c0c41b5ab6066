using CitizenWorkflows.Workflow.Http;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// <c>POST /api/v1/cards/verify</c>: checks a card's signed chip data against the card-signing keys: a <c>chip.json</c>
/// (the JWS flattened JSON serialisation, <c>application/json</c>) or what a reader took off a chip (the compact
/// serialisation, <c>application/jose</c>). A signature that does not hold is an answer (valid: false, with the
/// reason), not an HTTP error; a body that is no JWS at all is a 422.
/// </summary>
public sealed class VerifyCardEndpoint(CardSigner signer)
{
    const long MaxBodyBytes = 16 * 1024;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        (SignedChipData? body, IResult? problem) = IsCompactJws(request)
            ? await ReadCompactAsync(request, cancellationToken)
            : await RequestBody.ReadJsonAsync<SignedChipData>(request, MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<FieldError>();
        foreach ((string field, string? value) in new[] { ("protected", body!.Protected), ("payload", body.Payload), ("signature", body.Signature) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new(field, "required", "is required: send the chip.json of the card as it is (a JWS)"));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        ChipSignatureCheck check = signer.Verify(body);
        return Results.Ok(new CardVerification(check.IsValid, check.Status.ToString(), check.Reason, check.KeyId, check.Data));
    }

    static bool IsCompactJws(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type)
        && type.MediaType.Equals("application/jose", StringComparison.OrdinalIgnoreCase);

    static async Task<(SignedChipData? Body, IResult? Problem)> ReadCompactAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        (byte[]? bytes, IResult? tooLarge) = await RequestBody.ReadBytesAsync(request, MaxBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, tooLarge);
        }

        SignedChipData? compact = SignedChipData.FromCompact(Encoding.ASCII.GetString(bytes));
        return compact is null
            ? (null, Problems.Validation([new FieldError("body", "jws-compact", "is not a JWS compact serialisation (three base64url parts joined by '.')")]))
            : (compact, null);
    }
}

/// <summary>The answer of a card verification; <see cref="Data"/> only when the signature holds, <see cref="KeyId"/>
/// when the header named one.</summary>
public sealed record CardVerification(bool Valid, string Status, string Reason, string? KeyId, ChipData? Data);
