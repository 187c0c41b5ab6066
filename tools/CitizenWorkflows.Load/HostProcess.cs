using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CitizenWorkflows.Local;

namespace CitizenWorkflows.Load;

/// <summary>
/// The Local host (<c>CitizenWorkflows.Local.dll serve</c>) as a child process on its own port, reached over real HTTP and
/// killable with SIGKILL: what the fault drivers kill and restart, and what the end-to-end tests run against.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();
    readonly StreamWriter? log;
    readonly string logPrefix;
    bool disposed;
    int disposing;

    const int MaxOutputBesideLog = 256 * 1024;

    HostProcess(Process process, Uri baseAddress, StreamWriter? log, string logPrefix)
    {
        this.process = process;
        this.log = log;
        this.logPrefix = logPrefix;
        BaseAddress = baseAddress;
    }

    /// <summary>The host's own assembly, copied beside every program that references the Local project.</summary>
    public static string DefaultHostDll => typeof(LocalHost).Assembly.Location;

    public Uri BaseAddress { get; }

    public int Pid => process.Id;

    /// <summary>True when the host died on its own (or was killed).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>What the host wrote to stdout and stderr so far (with a log file: the latest part only).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>How to start one host: its port and configuration; optionally another build of it, and a log file.</summary>
    public sealed record Start(int Port, IReadOnlyDictionary<string, string> Settings)
    {
        /// <summary>The host assembly to run (another build of the host, e.g.); the one beside this program by default.</summary>
        public string HostDll { get; init; } = DefaultHostDll;

        /// <summary>Where the host's lines are appended as well, each prefixed with <see cref="LogPrefix"/> and its pid.</summary>
        public string? LogFile { get; init; }

        public string LogPrefix { get; init; } = "host";

        /// <summary>How long the API may take to answer its first request.</summary>
        public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);
    }

    /// <summary>
    /// Starts the host with <see cref="Start.Settings"/> as command-line configuration (<c>--Key=value</c>, so they win over
    /// its appsettings and environment) and waits until its API answers.
    /// </summary>
    public static async Task<HostProcess> StartAsync(Start start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!File.Exists(start.HostDll))
        {
            throw new InvalidOperationException($"The Local host is not built at {start.HostDll}.");
        }

        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The host reads its settings files beside its binary whatever the working directory; relative paths in
            // settings stay relative to the caller's.
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
        info.ArgumentList.Add(start.HostDll);
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{start.Port}");
        foreach ((string key, string value) in start.Settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the Local host.");
        KillOnExit(process);
        StreamWriter? log = start.LogFile is null ? null : new StreamWriter(start.LogFile, append: true) { AutoFlush = true };
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{start.Port}"), log, start.LogPrefix);
        process.OutputDataReceived += host.Collect;
        process.ErrorDataReceived += host.Collect;
        // The writer stays open after the process exits: its last lines (why it died) may still be arriving.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilServingAsync(start.StartTimeout, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    void Collect(object? sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(e.Data);
            if (log is not null && output.Length > MaxOutputBesideLog)
            {
                // A long fault run logs to its file; memory keeps only the latest lines (for the error of a failed start).
                output.Remove(0, output.Length - (MaxOutputBesideLog / 2));
            }

            if (!disposed)
            {
                log?.WriteLine($"[{logPrefix} pid {process.Id}] {e.Data}");
            }
        }
    }

    async Task WaitUntilServingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        DateTime until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The Local host ({logPrefix}) exited with {process.ExitCode}:\n{Tail(Output, 8000)}");
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri("/api/v1/applications/ping", UriKind.Relative), cancellationToken);
                return; // Any HTTP answer (401 here) means the API is up.
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < until && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];

    /// <summary>SIGKILL: no shutdown hooks, no flushing — a crash.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a fault run disposes a killed host, and disposes it again in its finally when the restart failed;
        // the second call must not throw over the restart's own error. Claimed first, so two calls at once kill once.
        if (Interlocked.Exchange(ref disposing, 1) == 1)
        {
            return;
        }

        try
        {
            await KillAsync();
        }
        finally
        {
            process.Dispose();
            lock (output)
            {
                // Lines still arriving after the exit are kept in Output but no longer logged.
                disposed = true;
                log?.Dispose();
            }
        }
    }

    /// <summary>Children still running; the exit handlers are registered once, for all of them.</summary>
    static readonly HashSet<Process> Live = [];
    static bool exitHandlersRegistered;

    /// <summary>A stopped driver (SIGTERM, Ctrl+C, timeout) takes its children with it instead of orphaning them.</summary>
    public static void KillOnExit(Process child)
    {
        ArgumentNullException.ThrowIfNull(child);
        lock (Live)
        {
            if (!exitHandlersRegistered)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => KillLive();
                Console.CancelKeyPress += (_, _) => KillLive();
                exitHandlersRegistered = true;
            }

            Live.Add(child);
        }

        // A fault run restarts hosts many times: one that has exited is forgotten, not kept until the driver ends.
        child.EnableRaisingEvents = true;
        child.Exited += (_, _) =>
        {
            lock (Live)
            {
                Live.Remove(child);
            }
        };
    }

    static void KillLive()
    {
        Process[] children;
        lock (Live)
        {
            children = [.. Live];
        }

        foreach (Process child in children)
        {
            try
            {
                child.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
