using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// A private Azurite (from the repo's npm install, patched from patches/) on free ports with a temporary data folder:
/// every test class that uses it gets storage no other test touches.
/// </summary>
public class AzuriteFixture : IAsyncLifetime
{
    // Azurite's published development account key: public, not a secret.
    const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    readonly string dataFolder = Path.Combine(Path.GetTempPath(), "cw-azurite-" + Guid.NewGuid().ToString("N"));
    Process? process;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public BlobServiceClient Blobs => new(ConnectionString);

    public TableServiceClient Tables => new(ConnectionString);

    public QueueServiceClient Queues => new(ConnectionString);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dataFolder);
        int[] ports = FreePorts.Take(3);
        (BlobPort, QueuePort, TablePort) = (ports[0], ports[1], ports[2]);
        await StartAsync();
    }

    /// <summary>
    /// Kills Azurite and starts it again on the same ports and data folder (an outage of the storage service). Azurite
    /// writes its data every 5 s while it changes: what it took in the last few seconds before the kill is lost.
    /// </summary>
    public async Task RestartAsync(TimeSpan downFor)
    {
        await StopAsync();
        await Task.Delay(downFor);
        await StartAsync();
    }

    /// <summary>The azurite.js this fixture runs.</summary>
    public string Script { get; private set; } = "";

    /// <summary>Finds (or installs) the azurite.js to run; called once, before the first start.</summary>
    protected virtual Task<string> LocateScriptAsync()
    {
        string azurite = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run 'npm ci' in the repository root (./test.sh does).");
        }

        return Task.FromResult(azurite);
    }

    /// <summary>Where Azurite keeps its data: the fixture's own temporary folder, on disk.</summary>
    protected virtual IEnumerable<string> Persistence(string folder) => ["--location", folder];

    async Task StartAsync()
    {
        if (Script.Length == 0)
        {
            Script = await LocateScriptAsync();
        }

        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // RestartAsync kills Azurite: keep Azurite's own 5 s save, whatever the shell set for long runs (scripts/azurite.sh).
        start.Environment["AZURITE_AUTOSAVE_INTERVAL_MS"] = "5000";
        string[] args =
        [
            Script, "--silent", .. Persistence(dataFolder), "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{QueuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{TablePort}",
        ];
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        foreach (int port in new[] { BlobPort, QueuePort, TablePort })
        {
            // Node takes 20-30 s to start the three services on a 2-core box that is building at the same time.
            await FreePorts.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(120));
        }
    }

    async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
