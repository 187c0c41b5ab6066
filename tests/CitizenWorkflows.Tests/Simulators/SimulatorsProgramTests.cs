using System.Diagnostics;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;

namespace CitizenWorkflows.Tests.Simulators;

/// <summary>
/// The simulators as ./run.sh runs them: their own program beside a Local host, given the host's settings, reaching it
/// only through its work-order queues and HTTP callbacks.
/// </summary>
public sealed class SimulatorsProgramTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    const string TaskHub = "SimulatorsProgramHub";

    [Fact]
    public async Task The_simulators_program_beside_a_host_takes_an_application_to_delivered()
    {
        // The host alone (no partners in the test's process); the program gets the host's settings with the partners on.
        await using LocalHostProcess host = await LocalHostProcess.StartAsync(
            azurite, TaskHub, FastPartners.Settings(new Dictionary<string, string> { ["Workflow:AutoApprove"] = "true", ["Simulators:Enabled"] = "false" }));
        var output = new System.Text.StringBuilder();
        using Process simulators = StartProgram(LocalHostProcess.Configuration(azurite, TaskHub, host.BaseAddress.Port, FastPartners.Settings()), output);
        try
        {
            Kiosk kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
            using HttpClient signed = host.SignedClient(kiosk);
            string id = (await Api.SubmitAsync(signed, Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-03-04", null))).ApplicationId;

            // Printed by the print centre, shipped to the kiosk's station by the courier, handed over by the station's officer.
            ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.RuntimeStatus == "Completed", TimeSpan.FromMinutes(2));
            Assert.True(done.Stage == ApplicationStage.Delivered, $"{done.Stage}: {done.Failure}\nsimulators: {Text(output)}");
            Assert.Contains($"Partner simulators answering the host at {host.BaseAddress}", Text(output), StringComparison.Ordinal);
        }
        finally
        {
            simulators.Kill(entireProcessTree: true);
            await simulators.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Turned_off_the_simulators_program_says_so_and_exits_without_waiting_for_a_host()
    {
        var output = new System.Text.StringBuilder();
        using Process simulators = StartProgram(new Dictionary<string, string> { ["Simulators:Enabled"] = "false", ["urls"] = "http://127.0.0.1:9" }, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await simulators.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, simulators.ExitCode);
        Assert.Contains("Simulators:Enabled=false", Text(output), StringComparison.Ordinal);
    }

    static string Text(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    static Process StartProgram(IReadOnlyDictionary<string, string> settings, System.Text.StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(RepoPaths.SimulatorsDll);
        foreach ((string key, string value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the simulators' program.");
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
