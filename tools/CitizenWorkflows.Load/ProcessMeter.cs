using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CitizenWorkflows.Load;

/// <summary>
/// CPU time and resident memory of the Local host's process (this one when the host runs here) and of Azurite (summed
/// over its processes when blob, queue and table run as three), from /proc (Linux), sampled once a second: peak memory,
/// memory at each quarter of the run (a flat line means no leak) and how the CPU split between them; and this driver's
/// own CPU apart.
/// </summary>
public sealed partial class ProcessMeter : IAsyncDisposable
{
    /// <summary>Linux reports CPU times in clock ticks; USER_HZ is 100 on every mainstream kernel.</summary>
    const double TicksPerSecond = 100;

    readonly string? storageConnectionString;
    readonly CancellationTokenSource stop = new();
    readonly Task sampling;
    readonly Stopwatch wall = Stopwatch.StartNew();
    readonly int hostPid;
    readonly Func<long> hostHeapBytes;
    readonly long hostStartTicks;
    readonly long selfStartTicks;

    /// <summary>Every Azurite process seen: its CPU ticks when first seen (0 when it started during the run) and at the
    /// last sample.</summary>
    readonly Dictionary<int, (long First, long Last)> azuriteTicks = [];
    int[] azuritePids;

    ProcessMeter(string? storageConnectionString, int? hostPid, Func<long>? hostHeapBytes)
    {
        this.storageConnectionString = storageConnectionString;
        this.hostPid = hostPid ?? Environment.ProcessId;
        this.hostHeapBytes = hostHeapBytes ?? (() => GC.GetTotalMemory(forceFullCollection: false));
        azuritePids = FindAzurite(storageConnectionString);
        hostStartTicks = CpuTicks(this.hostPid);
        selfStartTicks = CpuTicks(Environment.ProcessId);
        foreach (int pid in azuritePids)
        {
            long ticks = CpuTicks(pid);
            azuriteTicks[pid] = (ticks, ticks);
        }

        sampling = SampleAsync(stop.Token);
    }

    public long PeakHostRssBytes { get; private set; }

    public long PeakAzuriteRssBytes { get; private set; }

    public long PeakManagedHeapBytes { get; private set; }

    /// <summary>Starts metering; Azurite is found by <c>AZURITE_PID</c> (one id or several, comma-separated) or by who
    /// listens on its blob, queue and table ports.</summary>
    /// <param name="hostPid">The Local host's process; null: this one.</param>
    /// <param name="hostHeapBytes">The host's managed heap; null: this process's.</param>
    public static ProcessMeter Start(string? storageConnectionString, int? hostPid = null, Func<long>? hostHeapBytes = null) =>
        new(storageConnectionString, hostPid, hostHeapBytes);

    async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            Sample();
        }
        while (await Wait(timer, cancellationToken));
    }

    static async Task<bool> Wait(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Takes a sample now (also called at milestones, so the figures at each quarter are fresh).</summary>
    public (long HostRss, long AzuriteRss, long Heap) Sample()
    {
        long host = RssBytes(hostPid);
        long heap = hostHeapBytes();
        lock (stop)
        {
            // Azurite restarted (faults azurite-restart): meter the new processes too; the old ones keep their last figures.
            if (azuritePids.Any(pid => !Directory.Exists($"/proc/{pid}")) || (azuritePids.Length == 0 && azuriteTicks.Count > 0))
            {
                azuritePids = FindAzurite(storageConnectionString);
            }

            foreach (int pid in azuritePids)
            {
                long ticks = CpuTicks(pid);
                azuriteTicks[pid] = azuriteTicks.TryGetValue(pid, out var seen) ? (seen.First, Math.Max(seen.Last, ticks)) : (0, ticks);
            }

            long azurite = azuritePids.Sum(RssBytes);
            PeakHostRssBytes = Math.Max(PeakHostRssBytes, host);
            PeakAzuriteRssBytes = Math.Max(PeakAzuriteRssBytes, azurite);
            PeakManagedHeapBytes = Math.Max(PeakManagedHeapBytes, heap);
            return (host, azurite, heap);
        }
    }

    /// <summary>CPU seconds used since the start by the host, by Azurite (every process it ran as) and by this driver
    /// (the same as the host's when the host runs here), and the wall time.</summary>
    public (double HostCpuSeconds, double AzuriteCpuSeconds, double DriverCpuSeconds, double WallSeconds) Cpu()
    {
        Sample();
        lock (stop)
        {
            return ((CpuTicks(hostPid) - hostStartTicks) / TicksPerSecond,
                azuriteTicks.Values.Sum(t => t.Last - t.First) / TicksPerSecond,
                (CpuTicks(Environment.ProcessId) - selfStartTicks) / TicksPerSecond,
                wall.Elapsed.TotalSeconds);
        }
    }

    /// <summary>CPU seconds used since the start by each Azurite service process (blob, queue, table; "azurite" for one
    /// process serving all).</summary>
    public IReadOnlyDictionary<string, double> AzuriteCpuByService()
    {
        Sample();
        lock (stop)
        {
            return azuriteTicks
                .GroupBy(t => ServiceOf(t.Key), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(t => t.Value.Last - t.Value.First) / TicksPerSecond, StringComparer.Ordinal);
        }
    }

    /// <summary>Which Azurite service a process runs, from its command line (azurite-blob, azurite-queue, azurite-table).</summary>
    string ServiceOf(int pid)
    {
        if (!serviceNames.TryGetValue(pid, out string? name))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            }
            catch (IOException)
            {
                commandLine = "";
            }

            name = AzuriteServices.FirstOrDefault(s => commandLine.Contains("azurite-" + s, StringComparison.Ordinal)) ?? "azurite";
            serviceNames[pid] = name;
        }

        return name;
    }

    readonly Dictionary<int, string> serviceNames = [];

    static readonly string[] AzuriteServices = ["blob", "queue", "table"];

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }

    /// <summary>utime + stime of a process (fields 14 and 15 of /proc/PID/stat, after the parenthesised name).</summary>
    static long CpuTicks(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    static long RssBytes(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    static int[] FindAzurite(string? connectionString)
    {
        int[] given = [.. (Environment.GetEnvironmentVariable("AZURITE_PID") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => int.TryParse(id, CultureInfo.InvariantCulture, out int pid) ? pid : 0)
            .Where(pid => pid > 0 && Directory.Exists($"/proc/{pid}"))];
        if (given.Length > 0 || !OperatingSystem.IsLinux())
        {
            return given;
        }

        int[] ports = [.. ServicePort().Matches(connectionString ?? "").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
        return [.. (ports.Length > 0 ? ports : [10000, 10001, 10002]).Select(ListeningProcess).OfType<int>().Distinct()];
    }

    /// <summary>The process listening on <paramref name="port"/>: the socket's inode (/proc/net/tcp, state 0A), then
    /// who holds it.</summary>
    static int? ListeningProcess(int port)
    {
        try
        {
            string? inode = File.ReadLines("/proc/net/tcp").Concat(File.ReadLines("/proc/net/tcp6")).Skip(1)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length > 9 && f[3] == "0A" && f[1].EndsWith(":" + port.ToString("X4", CultureInfo.InvariantCulture), StringComparison.Ordinal))
                .Select(f => f[9])
                .FirstOrDefault();
            if (inode is null)
            {
                return null;
            }

            string target = $"socket:[{inode}]";
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out int candidate))
                {
                    continue;
                }

                try
                {
                    if (Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")).Any(fd => new FileInfo(fd).LinkTarget == target))
                    {
                        return candidate;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's process, or gone: not ours to read.
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    [GeneratedRegex(@"(?:Blob|Queue|Table)Endpoint=https?://[^:/;]+:(\d+)")]
    private static partial Regex ServicePort();
}
