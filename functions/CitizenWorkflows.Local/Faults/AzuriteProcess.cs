using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace CitizenWorkflows.Local.Faults;

/// <summary>
/// A private Azurite (node_modules/.bin/azurite) on free ports with its data in a directory of its own, so a fault
/// run starts clean, can stop and restart its storage, and leaves other runs alone.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, the same in every Azurite).</summary>
    const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    readonly string location;
    readonly string logFile;
    readonly int[] ports;
    Process? process;

    AzuriteProcess(string location, string logFile, int[] ports)
    {
        this.location = location;
        this.logFile = logFile;
        this.ports = ports;
    }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;");

    public int? Pid => process?.Id;

    public static async Task<AzuriteProcess> StartAsync(string directory, CancellationToken cancellationToken)
    {
        int[] ports = [WorkerProcess.FreePort(), WorkerProcess.FreePort(), WorkerProcess.FreePort()];
        var azurite = new AzuriteProcess(Path.Combine(directory, "azurite"), Path.Combine(directory, "azurite.log"), ports);
        Directory.CreateDirectory(azurite.location);
        await azurite.StartAgainAsync(cancellationToken);
        return azurite;
    }

    /// <summary>Starts Azurite on the same ports and data (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        string executable = Path.Combine(Directory.GetCurrentDirectory(), "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run the fault commands through ./run.sh (it runs npm ci).");
        }

        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["--silent", "--location", location, "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{ports[0]}", "--queuePort", $"{ports[1]}", "--tablePort", $"{ports[2]}"])
        {
            start.ArgumentList.Add(a);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Azurite.");
        WorkerProcess.KillOnExit(process);
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (!ports.All(Listening))
        {
            if (process.HasExited || DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"Azurite did not start; see {logFile}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Stops Azurite as an operator would (SIGTERM: it saves its data and exits).</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false } running)
        {
            using Process term = Process.Start("kill", ["-TERM", running.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
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
        if (process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
        }

        process?.Dispose();
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
