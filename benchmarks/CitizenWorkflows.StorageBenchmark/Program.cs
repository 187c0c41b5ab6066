using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

// The cost of one storage operation as the data grows, on stock Azurite and on the repository's patched Azurite, side
// by side in one run (docs/benchmarks.md, "Embedded storage"). Each emulator gets a fresh Azurite (disk persistence, as
// the embedded default runs) for the table part and another for the queue part. dotnet run -c Release --project
// benchmarks/CitizenWorkflows.StorageBenchmark -- \ [--rows 1000,10000,100000] [--stock-max-rows 10000] [--messages
// 1000,10000] [--samples 31] The table has the shape the projection had before its keys changed (docs/design.md, "Known
// limits"): one row per application, a unique PartitionKey and the constant RowKey "application" — the emulator's worst
// case. Stock Azurite inserts slow down with every row (hours to reach 100,000), hence --stock-max-rows.
var options = BenchmarkOptions.Parse(args);
string root = RepoRoot.Find();
var results = new Results();
foreach ((string name, string script) in new[] { ("stock", await Emulator.StockScriptAsync(root)), ("patched", Emulator.PatchedScript(root)) })
{
    Console.Error.WriteLine($"== {name}: {script}");
    await using (Emulator azurite = await Emulator.StartAsync(script))
    {
        int[] rows = [.. options.Rows.Where(n => name != "stock" || n <= options.StockMaxRows)];
        await TableBenchmark.RunAsync(name, new TableServiceClient(azurite.ConnectionString), rows, options.Samples, results);
    }

    await using (Emulator azurite = await Emulator.StartAsync(script))
    {
        await QueueBenchmark.RunAsync(name, new QueueServiceClient(azurite.ConnectionString), options.Messages, options.Samples, results);
    }
}

results.Print(Console.Out, options);

/// <summary>What to measure: table sizes, message counts, samples per operation.</summary>
sealed record BenchmarkOptions(int[] Rows, int StockMaxRows, int[] Messages, int Samples)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions([1_000, 10_000, 100_000], 10_000, [1_000, 10_000], 31);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--rows" => options with { Rows = Numbers(args[i + 1]) },
                "--stock-max-rows" => options with { StockMaxRows = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--messages" => options with { Messages = Numbers(args[i + 1]) },
                "--samples" => options with { Samples = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]} (see the comment at the top of Program.cs)."),
            };
        }

        return options;
    }

    static int[] Numbers(string list) => [.. list.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).Order()];
}

/// <summary>Table operations at growing row counts: the fill rate on the way and each operation's median latency.</summary>
static class TableBenchmark
{
    const int Writers = 16;

    public static async Task RunAsync(string emulator, TableServiceClient service, int[] sizes, int samples, Results results)
    {
        TableClient table = service.GetTableClient("projection");
        await table.CreateIfNotExistsAsync();
        // The other worst case: every row in one partition with its own RowKey (an hour of the ledgers' expiry index).
        TableClient hourly = service.GetTableClient("hourly");
        await hourly.CreateIfNotExistsAsync();
        int count = 0;
        foreach (int size in sizes)
        {
            Console.Error.WriteLine($"   {emulator}: filling the table to {size:N0} rows");
            long started = Stopwatch.GetTimestamp();
            int from = count;
            await Parallel.ForEachAsync(Enumerable.Range(from, size - from), new ParallelOptions { MaxDegreeOfParallelism = Writers },
                async (i, token) =>
                {
                    await table.AddEntityAsync(Row(i), token);
                    await hourly.AddEntityAsync(HourRow(i), token);
                });
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            count = size;
            results.Add($"inserts/s (one per table) while growing to this size ({Writers} writers)", size, emulator, (size - from) / seconds, "N0");

            var random = new Random(size);
            string Existing() => Key(random.Next(count));
            results.Add("point read (ms)", size, emulator, await MedianMsAsync(samples, () => table.GetEntityAsync<TableEntity>(Existing(), "application")));
            results.Add("upsert (replace) of an existing row (ms)", size, emulator, await MedianMsAsync(samples, () => table.UpsertEntityAsync(Row(random.Next(count)), TableUpdateMode.Replace)));
            results.Add("point read, all rows in one partition (ms)", size, emulator, await MedianMsAsync(samples, () => hourly.GetEntityAsync<TableEntity>(Hour, Key(random.Next(count)))));
            results.Add("upsert (replace), all rows in one partition (ms)", size, emulator, await MedianMsAsync(samples, () => hourly.UpsertEntityAsync(HourRow(random.Next(count)), TableUpdateMode.Replace)));
            results.Add("`PartitionKey eq` query (ms)", size, emulator, await MedianMsAsync(samples, () => FirstPageAsync(table, $"PartitionKey eq '{Existing()}'", 1000)));
            int first = random.Next(Math.Max(1, count - 10));
            results.Add("`PartitionKey ge … and lt …` query, 10 partitions (ms)", size, emulator,
                await MedianMsAsync(samples, () => FirstPageAsync(table, $"PartitionKey ge '{Key(first)}' and PartitionKey lt '{Key(first + 10)}'", 1000)));
            results.Add("one page (1,000 rows) of the whole table (ms)", size, emulator, await MedianMsAsync(samples, () => FirstPageAsync(table, null, 1000)));
            results.Add("query on a non-key property, no match (ms)", size, emulator, await MedianMsAsync(samples, () => FirstPageAsync(table, "Status eq 'nothing'", 1000)));
        }
    }

    static string Key(int i) => $"app-{i:D7}";

    const string Hour = "idempotency-2026120707";

    static TableEntity HourRow(int i) => new(Hour, Key(i)) { ["LedgerPartition"] = "kiosk-01", ["LedgerRow"] = $"key-{i}" };

    static TableEntity Row(int i) => new(Key(i), "application")
    {
        ["Status"] = "Submitted",
        ["Applicant"] = $"applicant {i}",
        ["UpdatedAt"] = DateTimeOffset.UnixEpoch.AddSeconds(i),
    };

    static async Task FirstPageAsync(TableClient table, string? filter, int pageSize)
    {
        await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter, pageSize).AsPages())
        {
            _ = page.Values.Count;
            return;
        }
    }

    public static async Task<double> MedianMsAsync(int samples, Func<Task> operation)
    {
        for (int i = 0; i < 3; i++)
        {
            await operation();
        }

        var times = new List<double>(samples);
        for (int i = 0; i < samples; i++)
        {
            long started = Stopwatch.GetTimestamp();
            await operation();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}

/// <summary>One dequeue while invisible messages (a waiting application's timers) pile up in another queue and in its own.</summary>
static class QueueBenchmark
{
    public static async Task RunAsync(string emulator, QueueServiceClient service, int[] sizes, int samples, Results results)
    {
        QueueClient timers = service.GetQueueClient("timers");
        QueueClient empty = service.GetQueueClient("work");
        await timers.CreateIfNotExistsAsync();
        await empty.CreateIfNotExistsAsync();
        int count = 0;
        foreach (int size in sizes)
        {
            Console.Error.WriteLine($"   {emulator}: {size:N0} invisible messages");
            await Parallel.ForEachAsync(Enumerable.Range(count, size - count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (i, token) => await timers.SendMessageAsync($"timer {i}", TimeSpan.FromHours(1), cancellationToken: token));
            count = size;
            results.Add("dequeue from an empty queue, invisible messages in another queue (ms)", size, emulator,
                await TableBenchmark.MedianMsAsync(samples, () => empty.ReceiveMessagesAsync(1)));
            results.Add("dequeue from a queue whose own messages are all invisible (ms)", size, emulator,
                await TableBenchmark.MedianMsAsync(samples, () => timers.ReceiveMessagesAsync(1)));
        }
    }
}

/// <summary>Figures by measure, size and emulator, printed as one markdown table with stock and patched side by side.</summary>
sealed class Results
{
    readonly List<(string Measure, int Size, string Emulator, string Value)> figures = [];

    public void Add(string measure, int size, string emulator, double value, string format = "0.0") =>
        figures.Add((measure, size, emulator, value.ToString(format, CultureInfo.InvariantCulture)));

    public void Print(TextWriter output, BenchmarkOptions options)
    {
        output.WriteLine($"rows {string.Join(", ", options.Rows)} (stock up to {options.StockMaxRows}); messages {string.Join(", ", options.Messages)}; medians of {options.Samples}");
        output.WriteLine();
        output.WriteLine("| measure | size | stock | patched |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var group in figures.GroupBy(f => (f.Measure, f.Size)).OrderBy(g => figures.FindIndex(f => f.Measure == g.Key.Measure)).ThenBy(g => g.Key.Size))
        {
            string Value(string emulator) => group.FirstOrDefault(f => f.Emulator == emulator).Value ?? "not run";
            output.WriteLine($"| {group.Key.Measure} | {group.Key.Size:N0} | {Value("stock")} | {Value("patched")} |");
        }
    }
}

/// <summary>A private Azurite (one process) on free loopback ports with a temporary data folder.</summary>
sealed class Emulator : IAsyncDisposable
{
    // Azurite's published development account key: public, not a secret.
    const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    readonly Process process;
    readonly string folder;
    readonly int[] ports;

    Emulator(Process process, string folder, int[] ports) => (this.process, this.folder, this.ports) = (process, folder, ports);

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";

    public static string PatchedScript(string root) => Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>The unpatched build of the same version, from scripts/stock-azurite.sh (installs it on first use).</summary>
    public static async Task<string> StockScriptAsync(string root)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(root, "scripts", "stock-azurite.sh"));
        using Process install = Process.Start(start)!;
        string script = (await install.StandardOutput.ReadToEndAsync()).Trim();
        await install.WaitForExitAsync();
        return install.ExitCode == 0 ? script : throw new InvalidOperationException("scripts/stock-azurite.sh failed");
    }

    public static async Task<Emulator> StartAsync(string script)
    {
        string folder = Directory.CreateTempSubdirectory("cw-storage-bench-").FullName;
        int[] ports = FreePorts(3);
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[]
        {
            script, "--silent", "--location", folder, "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        foreach (int port in ports)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (attempt < 300)
                {
                    await Task.Delay(100);
                }
            }
        }

        return new Emulator(process, folder, ports);
    }

    static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        int[] ports = [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}

static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CitizenWorkflows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CitizenWorkflows.sln) above " + AppContext.BaseDirectory);
    }
}
