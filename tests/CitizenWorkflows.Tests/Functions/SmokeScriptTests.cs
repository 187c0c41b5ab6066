using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Functions;

/// <summary>
/// <c>scripts/smoke-azure.sh</c>, which whoever deploys runs against the function app's URL, run here against the Local
/// host (the same routes, signature scheme and answers): it signs with bash and openssl alone, so a drift from
/// <c>KioskSignature</c> or the intake contract fails this test before it fails a deployment.
/// </summary>
public sealed partial class SmokeScriptTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    LocalHostProcess host = null!;
    Kiosk kiosk = null!;

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, "SmokeHub");
        kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, "SMOKE-HN-001", "001");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_script_submits_a_signed_application_and_follows_it_until_it_waits_for_an_officer()
    {
        (int exitCode, string output) = await RunAsync(kiosk.Secret);

        Assert.True(exitCode == 0, output);
        string id = AcceptedId().Match(output).Groups["id"].Value;
        Assert.Contains($"ok: application {id} is AwaitingApproval, waiting for {ApplicationEvents.ApprovalDecision}", output, StringComparison.Ordinal);

        // What it claims is what happened: the kiosk's application, its portrait stored, the workflow waiting.
        ApplicationStatusResponse status = await host.StatusAsync(id);
        Assert.Equal(kiosk.Id, status.KioskId);
        Assert.Equal("001", status.Province);
        Assert.Contains(ApplicationEvents.ApprovalDecision, status.WaitingFor);
        BlobClient portrait = azurite.Blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).GetBlobClient($"applications/{id}/portrait");
        Assert.True((await portrait.ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_wrong_secret_fails_the_script_with_the_servers_answer()
    {
        (int exitCode, string output) = await RunAsync(Convert.ToBase64String(new byte[32]));

        Assert.Equal(1, exitCode);
        Assert.Contains("submission refused: HTTP 401", output, StringComparison.Ordinal);
        Assert.Contains("kiosk-signature-invalid", output, StringComparison.Ordinal);
    }

    async Task<(int ExitCode, string Output)> RunAsync(string secret)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "smoke-azure.sh"));
        start.ArgumentList.Add(host.BaseAddress.ToString());
        start.Environment["KIOSK_ID"] = kiosk.Id;
        start.Environment["KIOSK_SECRET"] = secret;
        start.Environment["KIOSK_PROVINCE"] = "001";
        start.Environment["STATUS_BEARER_TOKEN"] = await host.TokenAsync(LocalHostProcess.Keys[Roles.Supervisor].Principal, partner: false);
        start.Environment["SMOKE_TIMEOUT"] = "180";

        using Process script = Process.Start(start)!;
        Task<string> stdout = script.StandardOutput.ReadToEndAsync();
        Task<string> stderr = script.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await script.WaitForExitAsync(timeout.Token);
        return (script.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("accepted: application (?<id>[0-9a-f]{32}) ")]
    private static partial Regex AcceptedId();
}
