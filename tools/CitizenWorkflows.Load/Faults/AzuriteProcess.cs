using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace CitizenWorkflows.Load.Faults;

/// <summary>
/// A private Azurite on free ports with its data in a directory of its own, so a fault run starts clean, can stop and
/// restart its storage, and leaves other runs alone. Blob, queue and table run as three processes
/// (node_modules/.bin/azurite-blob, -queue, -table), as <c>scripts/azurite.sh</c> starts them: one process serves
/// all three on one Node.js thread, which was the ceiling of every run.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, the same in every Azurite).</summary>
    const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    readonly string location;
    readonly string logFile;
    static readonly string[] Services = ["blob", "queue", "table"];

    readonly int[] ports;
    readonly List<Process> processes = [];

    AzuriteProcess(string location, string logFile, int[] ports)
    {
        this.location = location;
        this.logFile = logFile;
        this.ports = ports;
    }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;");

    public static async Task<AzuriteProcess> StartAsync(string directory, CancellationToken cancellationToken)
    {
        int[] ports = [HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FreePort()];
        var azurite = new AzuriteProcess(Path.Combine(directory, "azurite"), Path.Combine(directory, "azurite.log"), ports);
        Directory.CreateDirectory(azurite.location);
        await azurite.StartAgainAsync(cancellationToken);
        return azurite;
    }

    /// <summary>Starts Azurite on the same ports and data (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        foreach (Process stopped in processes)
        {
            stopped.Dispose();
        }

        processes.Clear();
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        for (int i = 0; i < Services.Length; i++)
        {
            string executable = Path.Combine(Directory.GetCurrentDirectory(), "node_modules", ".bin", "azurite-" + Services[i]);
            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"Azurite is not installed at {executable}: run the fault commands through ./run.sh (it runs npm ci).");
            }

            var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            // The same save interval as scripts/azurite.sh even when the driver is started without it: Azurite's own
            // 5 s re-serialises the whole table database so often that a 2,000-application run stalls (docs/benchmarks.md).
            start.Environment["AZURITE_AUTOSAVE_INTERVAL_MS"] = Environment.GetEnvironmentVariable("AZURITE_AUTOSAVE_INTERVAL_MS") is { Length: > 0 } interval ? interval : "30000";
            foreach (string a in (string[])["--silent", "--location", location, "--skipApiVersionCheck", "--loose",
                $"--{Services[i]}Host", "127.0.0.1", $"--{Services[i]}Port", ports[i].ToString(CultureInfo.InvariantCulture)])
            {
                start.ArgumentList.Add(a);
            }

            Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start azurite-{Services[i]}.");
            HostProcess.KillOnExit(process);
            process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            processes.Add(process);
        }

        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (!ports.All(Listening))
        {
            if (processes.Any(p => p.HasExited) || DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"Azurite did not start; see {logFile}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Stops Azurite as an operator would, with Ctrl+C (SIGINT: each process saves its data and exits; azurite-table
    /// handles only SIGINT, and SIGTERM would end it without saving, losing writes it had acknowledged).
    /// </summary>
    public async Task StopAsync() => await Task.WhenAll(processes.Select(StopAsync));

    static async Task StopAsync(Process process)
    {
        if (process is { HasExited: false } running)
        {
            using Process interrupt = Process.Start("kill", ["-INT", running.Id.ToString(CultureInfo.InvariantCulture)]);
            await interrupt.WaitForExitAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await running.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                running.Kill();
                await running.WaitForExitAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Process process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
