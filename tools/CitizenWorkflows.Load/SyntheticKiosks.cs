using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Load;

/// <summary>The kiosks and the officer a load run acts as.</summary>
public static class SyntheticKiosks
{
    /// <summary>Registers <paramref name="count"/> mobile kiosks (LOAD-xxxxxxxx-NN) for this run, as LocalKiosk
    /// registers the demo's.</summary>
    public static async Task<IReadOnlyList<LocalKiosk.Credentials>> RegisterAsync(KioskRegistry registry, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        string run = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        var kiosks = new List<LocalKiosk.Credentials>();
        for (int i = 1; i <= Math.Max(1, count); i++)
        {
            Kiosk kiosk = await registry.RegisterAsync($"LOAD-{run}-{i:D2}", "001", communeCode: null, mobile: true, cancellationToken)
                ?? throw new InvalidOperationException($"Kiosk LOAD-{run}-{i:D2} already exists.");
            kiosks.Add(new LocalKiosk.Credentials(kiosk.Id, kiosk.Secret));
        }

        return kiosks;
    }

    /// <summary>Approves an application as an officer over HTTP (the national officer's token); true once the decision is taken.</summary>
    public static Func<string, CancellationToken, Task<bool>> OfficerApproval(Uri baseAddress, LocalIdentities identities)
    {
        ArgumentNullException.ThrowIfNull(identities);
        LocalAccount account = identities.WidestOf(Roles.Operator)
            ?? throw new InvalidOperationException($"Approving as an officer needs an account with role '{Roles.Operator}' in {identities.Path}.");
        var officer = new HttpClient(new LocalAccessTokenHandler(baseAddress, account)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        return async (id, cancellationToken) =>
        {
            using HttpResponseMessage response = await officer.PostAsJsonAsync(
                $"{ApiRoutes.StatusUrl(id)}/events/{ApplicationEvents.ApprovalDecision}",
                new { decision = "approve", reason = "load run: documents in order" },
                cancellationToken);
            return response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict;
        };
    }
}
