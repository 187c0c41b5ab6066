using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CitizenWorkflows.Local;

namespace CitizenWorkflows.Load.Faults;

/// <summary>
/// A Local host (this same program, <c>serve</c>) as a child process on its own port, logging to a file, that a fault
/// run can kill with SIGKILL and start again with the same worker id.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    readonly Process process;

    WorkerProcess(Process process, Uri baseAddress, string workerId)
    {
        this.process = process;
        BaseAddress = baseAddress;
        WorkerId = workerId;
    }

    public Uri BaseAddress { get; }

    public string WorkerId { get; }

    public int Pid => process.Id;

    /// <summary>True when the host died on its own (or was killed).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Starts the host and waits until its API answers.</summary>
    public static async Task<WorkerProcess> StartAsync(
        string workerId, int port, IReadOnlyDictionary<string, string> settings, string logFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
        // The host itself (CitizenWorkflows.Local.dll, copied beside this tool by its project reference), not this tool.
        start.ArgumentList.Add(typeof(LocalHost).Assembly.Location);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add($"--TaskHub:WorkerId={workerId}");
        foreach ((string key, string value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a Local host.");
        KillOnExit(process);
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        void Write(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine($"[{workerId} pid {process.Id}] {e.Data}");
                }
            }
        }

        process.OutputDataReceived += Write;
        process.ErrorDataReceived += Write;
        // The writer stays open after the process exits: its last lines (why it died) may still be arriving.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var worker = new WorkerProcess(process, new Uri($"http://127.0.0.1:{port}"), workerId);
        await worker.WaitUntilServingAsync(TimeSpan.FromMinutes(2), logFile, cancellationToken);
        return worker;
    }

    async Task WaitUntilServingAsync(TimeSpan timeout, string logFile, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        DateTime until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Local host {WorkerId} exited with {process.ExitCode}; see {logFile}.");
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri("/api/v1/applications/ping", UriKind.Relative), cancellationToken);
                return; // Any answer (401 here) means the API is up.
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < until && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no flushing — a crash.</summary>
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
        await KillAsync();
        process.Dispose();
    }

    /// <summary>A stopped driver (SIGTERM, Ctrl+C, timeout) takes its children with it instead of orphaning them.</summary>
    internal static void KillOnExit(Process child)
    {
        void Kill()
        {
            try
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
        Console.CancelKeyPress += (_, _) => Kill();
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
