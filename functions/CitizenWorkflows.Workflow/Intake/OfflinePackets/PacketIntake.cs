using System.Globalization;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>
/// Takes in a packet that opened cleanly, with the same rules as the HTTP intake except the clock window (packets are
/// uploaded late; the capture timestamps rule of 30 days applies instead, also to the signature's timestamp): kiosk
/// registered, signature over the manifest valid, kiosk active, nonce unused, application JSON and every rule valid,
/// applicant in the kiosk's area; then <see cref="IntakeService"/> accepts it once per (kiosk, idempotency key).
/// </summary>
public sealed partial class PacketIntake(
    KioskRegistry registry,
    PacketNonces nonces,
    IntakeService intake,
    TimeProvider clock,
    ILogger<PacketIntake> log)
{
    /// <param name="source">This upload (blob name and version), to tell a re-processed packet from a second copy of it.</param>
    public async Task<PacketOutcome> AcceptAsync(PacketContents packet, string source, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(client);
        PacketSignature signature = packet.Signature;
        DateTimeOffset now = clock.GetUtcNow();
        DateTimeOffset signedAt = DateTimeOffset.FromUnixTimeSeconds(signature.Timestamp);
        Kiosk? kiosk = await registry.GetAsync(signature.KioskId, cancellationToken);
        if (kiosk is null)
        {
            return Quarantine(signature, PacketRules.KioskUnknown, $"No kiosk '{signature.KioskId}' is registered.");
        }

        if (!SignatureHolds(kiosk, packet))
        {
            return Quarantine(signature, PacketRules.SignatureInvalid,
                $"The signature does not match kiosk '{kiosk.Id}''s signature of this packet: an entry was changed, added or removed after signing, or it was signed with another secret.");
        }

        if (kiosk.Status != KioskStatus.Active)
        {
            return Quarantine(signature, PacketRules.KioskDisabled, $"Kiosk '{kiosk.Id}' is disabled.");
        }

        // The signed timestamp, instead of the ±5 minute window of requests: packets travel for days, not for months.
        if (signedAt > now + SubmissionRules.ClockSkew || now - signedAt > SubmissionRules.MaxCaptureAge)
        {
            return Quarantine(signature, PacketRules.Timestamp, string.Create(CultureInfo.InvariantCulture,
                $"The packet was signed at {signedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}: packets are accepted up to {SubmissionRules.MaxCaptureAge.TotalDays:0} days after signing, never from the future."));
        }

        // Only now, with the signature proven, is the nonce spent: forged packets cannot burn a kiosk's nonces.
        NonceClaim nonce = await nonces.ClaimAsync(signature, source, cancellationToken);
        if (nonce.Replayed)
        {
            return Quarantine(signature, PacketRules.NonceReplayed, $"Kiosk '{kiosk.Id}' has already used nonce '{signature.Nonce}' for another packet or request.");
        }

        SubmittedPart application = packet.Parts.Single(p => p.Name == SubmissionParts.Application);
        (ApplicationSubmission? form, IResult? badJson) = RequestBody.ParseJson<ApplicationSubmission>(application.Content, OfflinePacket.ApplicationEntry);
        if (form is null)
        {
            return Quarantine(signature, badJson!);
        }

        (ValidSubmission? valid, IReadOnlyList<FieldError> errors) = SubmissionRules.Validate(form, packet.Parts, now);
        if (valid is null)
        {
            return Quarantine(signature, PacketRules.Validation,
                string.Join("; ", errors.Select(e => $"{e.Field}: {e.Rule} ({e.Message})")));
        }

        if (!KioskArea.Allows(kiosk, valid.ResidenceProvinceCode))
        {
            return Quarantine(signature, KioskArea.Refused(kiosk, valid.ResidenceProvinceCode));
        }

        // The same request the HTTP endpoint makes: documents (application.json included, SubmissionParts.CheckFiles
        // adds it) and the digest of the parts, so a packet and a multipart submission of the same content match.
        var caller = new Caller(kiosk.Id, Roles.Kiosk, kiosk.ProvinceCode, Commune: kiosk.CommuneCode);
        IntakeResult result = await intake.AcceptAsync(
            new IntakeRequest(caller, signature.IdempotencyKey, IntakeService.DigestOf(packet.Parts), valid), client, cancellationToken);
        // The first attempt with this key has not finished (still running, or crashed and not yet stale): the packet
        // must stay in the inbox until its application really exists, or it would be deleted with nothing created.
        if (result.FirstCopyUnfinished)
        {
            throw new PacketNotReadyException(
                $"An earlier attempt of kiosk '{kiosk.Id}' with the same key is still being taken in; the packet is retried later.");
        }

        if (result.Problem is not null)
        {
            return Quarantine(signature, result.Problem);
        }

        string applicationId = result.Accepted!.ApplicationId;
        if (result.Replayed && await client.GetInstanceAsync(applicationId, cancellationToken) is null)
        {
            // Taken in, but its workflow is not started yet: the same rule.
            throw new PacketNotReadyException(
                $"Application {applicationId} of kiosk '{kiosk.Id}' is still being created by an earlier attempt; the packet is retried later.");
        }

        // Replayed by the ledger but first claimed by this very upload: an earlier run on it stopped before its receipt.
        bool replayed = result.Replayed && nonce.FirstSource != source;
        LogAccepted(log, applicationId, kiosk.Id, replayed);
        return new PacketOutcome.Accepted(applicationId, replayed);
    }

    static bool SignatureHolds(Kiosk kiosk, PacketContents packet)
    {
        byte[] secret;
        try
        {
            secret = KioskSignature.DecodeSecret(kiosk.Secret);
        }
        catch (ArgumentException)
        {
            // A damaged registry row verifies nothing.
            return false;
        }

        return OfflinePacket.Verify(secret, packet.Signature, packet.Entries);
    }

    PacketOutcome.Quarantined Quarantine(PacketSignature signature, IResult problem)
    {
        (string rule, string reason) = problem is ProblemHttpResult { ProblemDetails: var details }
            ? (details.Type?.StartsWith(Problems.TypePrefix, StringComparison.Ordinal) == true ? details.Type[Problems.TypePrefix.Length..] : details.Type ?? "problem",
               details.Detail ?? details.Title ?? "")
            : ("problem", problem.GetType().Name);
        return Quarantine(signature, rule, reason);
    }

    PacketOutcome.Quarantined Quarantine(PacketSignature signature, string rule, string reason)
    {
        LogQuarantined(log, signature.KioskId, rule);
        return new PacketOutcome.Quarantined(rule, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline packet accepted as application {ApplicationId} from kiosk {KioskId} (replayed: {Replayed})")]
    static partial void LogAccepted(ILogger logger, string applicationId, string kioskId, bool replayed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline packet from kiosk {KioskId} refused: {Rule}")]
    static partial void LogQuarantined(ILogger logger, string kioskId, string rule);
}

/// <summary>The packet cannot be decided yet (its application is still being created); process it again later.</summary>
public sealed class PacketNotReadyException(string message) : Exception(message);
