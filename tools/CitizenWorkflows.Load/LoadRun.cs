using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local;
using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Load;

/// <summary>
/// <c>load</c> (and <c>demo</c>, with its defaults): synthetic kiosks submit realistic applications through the signed
/// HTTP intake while the print-centre and courier simulators answer; a progress bar while they run, then a summary of
/// throughput, latencies, work items, memory and CPU. Asserts nothing; the exit code says whether all were delivered.
/// </summary>
public sealed class LoadRun(LoadOptions options, TextWriter output)
{
    /// <summary>
    /// Where the run reaches the system: the host's address, the driver's own services on its storage, and where the
    /// host's measures are (<see cref="Host"/>: null when there is none to read, as in the fault runs; then work items
    /// and the lifecycles' storage requests are not reported).
    /// </summary>
    public sealed record Target(
        Uri BaseAddress,
        IServiceProvider Services,
        IReadOnlyList<LocalKiosk.Credentials> Kiosks,
        HostMeasures? Host,
        Func<string, CancellationToken, Task<bool>>? Approve,
        string? StorageConnectionString,
        string? TaskHub = null);

    /// <summary>The Local host's process (CPU, memory) and the file it writes its counters to (<see cref="HostCounters"/>).</summary>
    public sealed record HostMeasures(int ProcessId, string CountersFile);

    /// <summary>Submitted uploads by index (the fault runs re-verify stored documents against them).</summary>
    public IReadOnlyList<ApplicationUpload> Uploads { get; private set; } = [];

    public IReadOnlyList<Submission> Submissions { get; private set; } = [];

    public ApplicationTracker? Tracker { get; private set; }

    /// <summary>Called with the prepared uploads before the first is sent (the poison run corrupts one's registry record here).</summary>
    public Func<IReadOnlyList<ApplicationUpload>, CancellationToken, Task>? OnPrepared { get; init; }

    /// <summary>Called after <see cref="OnPrepared"/>; the uploads it returns are the ones sent (the demo books each
    /// applicant an appointment here).</summary>
    public Func<IReadOnlyList<ApplicationUpload>, CancellationToken, Task<IReadOnlyList<ApplicationUpload>>>? BookAppointments { get; init; }

    /// <summary>How long one submission is retried with its idempotency key while the host does not answer.</summary>
    public TimeSpan SubmitRetryFor { get; init; }

    /// <summary>Called once a second while the run goes on (the fault runs kill and restart things from here).</summary>
    public Func<TimeSpan, ApplicationTracker, CancellationToken, Task>? OnTick { get; init; }

    public async Task<LoadReport> RunAsync(Target target, string commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        // The driver's own reads (preparing, following progress, sampling) count apart from what the lifecycles cost.
        using StorageCaller.Scope driverScope = StorageCaller.Enter(StorageCaller.LoadDriver);
        output.WriteLine($"$ {commandLine}");
        output.WriteLine(options.Describe());
        var prepare = Stopwatch.StartNew();
        TableServiceClient tables = target.Services.GetRequiredService<TableServiceClient>();
        Uploads = await LoadApplicants.PrepareAsync(
            options.Count, options.RegistryShare, options.Seed, target.Services.GetRequiredService<PopulationRegistry>(),
            target.Services.GetRequiredService<IPortraitQuality>(), cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prepared {Uploads.Count} uploads (portrait variants of the sample photograph, 4 fingerprint templates each) in {prepare.Elapsed.TotalSeconds:F1} s"));

        if (OnPrepared is not null)
        {
            await OnPrepared(Uploads, cancellationToken);
        }

        if (BookAppointments is not null)
        {
            Uploads = await BookAppointments(Uploads, cancellationToken);
        }

        var tracker = Tracker = new ApplicationTracker(tables, target.Approve, target.TaskHub is { } hub ? hub + "Instances" : null);
        await using ProcessMeter meter = ProcessMeter.Start(
            target.StorageConnectionString,
            target.Host?.ProcessId,
            target.Host is { } measured ? () => HostCounters.Read(measured.CountersFile)?.ManagedHeapBytes ?? 0 : null);
        // The driver's process counts its own reads and the simulators' queue calls; the host counts the rest.
        StorageRequestCounter driverRequests = target.Services.GetRequiredService<StorageRequestCounter>();
        StorageRequestCounts driver0 = driverRequests.Snapshot();
        IReadOnlyList<StorageOperationCount> driverOperations0 = driverRequests.Operations();
        HostCounters? host0 = target.Host is { } h0 ? await FreshCountersAsync(h0.CountersFile, cancellationToken) : null;
        using var submitter = new KioskSubmitter(target.BaseAddress, target.Kiosks) { RetryFor = SubmitRetryFor };
        var clock = Stopwatch.StartNew();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        int answered = 0;
        var answeredSoFar = new System.Collections.Concurrent.ConcurrentQueue<Submission>();
        void Answered(Submission s)
        {
            Interlocked.Increment(ref answered);
            answeredSoFar.Enqueue(s);
            if (s.Accepted)
            {
                tracker.Follow(s.ApplicationId!);
            }
        }

        Task<Submission[]> submitting = options.Rate is double rate && !options.Max
            ? submitter.RunAtRateAsync(Uploads, rate, Answered, cancellationToken)
            : submitter.RunAsFastAsPossibleAsync(Uploads, options.Concurrency, Answered, cancellationToken);
        double submitSeconds = 0;
        var quarters = new List<string>();
        bool stoppedEarly = false;
        try
        {
            while (clock.Elapsed < options.Timeout)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                if (submitting.IsCompleted && submitSeconds == 0)
                {
                    submitSeconds = clock.Elapsed.TotalSeconds;
                }

                try
                {
                    await tracker.PollAsync(cancellationToken);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Storage too slow or away (a fault run restarts it): measure on, read again next tick.
                    output.WriteLine($"(progress not read this tick: {e.GetType().Name})");
                }
                while (quarters.Count < 4 && tracker.Finished >= (quarters.Count + 1) * options.Count / 4)
                {
                    (long hostRss, long azurite, long heap) = meter.Sample();
                    quarters.Add(string.Create(CultureInfo.InvariantCulture, $"{hostRss / 1048576}/{heap / 1048576}/{azurite / 1048576}"));
                }

                tracker.DrawProgress(output, Volatile.Read(ref answered), options.Count, clock.Elapsed);
                if (OnTick is not null)
                {
                    await OnTick(clock.Elapsed, tracker, cancellationToken);
                }

                if (submitting.IsCompleted && (tracker.AllFinished || tracker.Count == 0))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stoppedEarly = true;
        }

        TimeSpan wall = clock.Elapsed;
        tracker.DrawProgress(output, Volatile.Read(ref answered), options.Count, wall, force: true);
        output.WriteLine();
        // Ctrl+C or SIGTERM: a report of what finished so far, read within a minute of its own, rather than a stack trace.
        using var reportWindow = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        if (stoppedEarly)
        {
            cancellationToken = reportWindow.Token;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stopped after {wall.TotalSeconds:F0} s with {Volatile.Read(ref answered)} of {Uploads.Count} submitted: the figures below cover the run so far"));
        }
        else
        {
            await LetWorkflowsEndAsync(tracker, cancellationToken);
        }

        HostCounters? host1 = null;
        if (target.Host is { } h1)
        {
            try
            {
                host1 = await FreshCountersAsync(h1.CountersFile, cancellationToken);
            }
            catch (Exception e) when (stoppedEarly && e is InvalidOperationException or OperationCanceledException)
            {
                // The signal reached the host too: its work items and storage requests are left out, the rest is reported.
                output.WriteLine("(the host's counters could not be read after the stop: work items and its storage requests are left out)");
            }
        }

        StorageRequestCounts requests = new([
            .. driverRequests.Snapshot().Since(driver0).Cells,
            .. host0 is null || host1 is null ? [] : new StorageRequestCounts(host1.StorageRequests).Since(new(host0.StorageRequests)).Cells]);
        IReadOnlyList<StorageOperationCount> operations = [
            .. StorageOperationCount.Since(driverRequests.Operations(), driverOperations0),
            .. host0 is null || host1 is null ? [] : StorageOperationCount.Since(host1.StorageOperations, host0.StorageOperations)];
        ControlQueueCount? controlQueues = target.TaskHub is { } taskHub
            ? await ControlQueueCount.ReadAsync(target.Services.GetRequiredService<QueueServiceClient>(), taskHub, cancellationToken)
            : null;
        Submissions = submitting.IsCompletedSuccessfully ? await submitting : [.. answeredSoFar.OrderBy(a => a.Index)];
        (double hostCpu, double azuriteCpu, double driverCpu, _) = meter.Cpu();
        IReadOnlyDictionary<string, double> azuriteCpuByService = meter.AzuriteCpuByService();
        bool counted = host0 is not null && host1 is not null;
        (long o0, long a0, double ob0, double ab0) = (host0?.Episodes ?? 0, host0?.Activities ?? 0, host0?.EpisodeBusyMs ?? 0, host0?.ActivityBusyMs ?? 0);
        (long o1, long a1, double ob1, double ab1) = (host1?.Episodes ?? 0, host1?.Activities ?? 0, host1?.EpisodeBusyMs ?? 0, host1?.ActivityBusyMs ?? 0);

        List<ApplicationView> sample = await SampleTimelinesAsync(target.Services.GetRequiredService<ApplicationProjection>(), cancellationToken);
        double[] intake = [.. Submissions.Where(s => s.Accepted).Select(s => s.LatencyMs).Order()];
        double[] lifecycles = [.. sample.Where(v => v.Stage.IsFinal() && v.Timeline.Count > 1).Select(v => (v.Timeline[^1].At - v.Timeline[0].At).TotalSeconds).Order()];
        int delivered = tracker.Stages.Values.Count(s => s == nameof(ApplicationStage.Delivered));
        long workItems = (o1 - o0) + (a1 - a0);
        var report = new LoadReport
        {
            Command = commandLine,
            Submitted = stoppedEarly ? Submissions.Count : Uploads.Count,
            Accepted = Submissions.Count(s => s.Accepted),
            Delivered = delivered,
            Finished = tracker.Finished,
            SubmitSeconds = submitSeconds == 0 ? wall.TotalSeconds : submitSeconds,
            WallSeconds = wall.TotalSeconds,
            CompletedPerSecond = delivered / wall.TotalSeconds,
            SubmissionsPerSecond = Submissions.Count(s => s.Accepted) / (submitSeconds == 0 ? wall.TotalSeconds : submitSeconds),
            OrchestrationWorkItems = counted ? o1 - o0 : null,
            ActivityWorkItems = counted ? a1 - a0 : null,
            WorkItemsPerSecond = counted ? workItems / wall.TotalSeconds : null,
            EpisodeMeanMs = !counted || o1 == o0 ? null : (ob1 - ob0) / (o1 - o0),
            ActivityMeanMs = !counted || a1 == a0 ? null : (ab1 - ab0) / (a1 - a0),
            PeakEpisodesAtOnce = host1?.PeakEpisodes,
            PeakActivitiesAtOnce = host1?.PeakActivities,
            StorageRequests = counted ? [.. requests.Cells.Where(c => c.Caller != StorageCaller.LoadDriver)] : null,
            LoadDriverStorageRequests = requests.For(StorageCaller.LoadDriver),
            StorageOperations = counted ? [.. operations.Where(o => o.Caller != StorageCaller.LoadDriver)] : null,
            ControlQueueMessages = controlQueues?.Messages,
            ControlQueueVisibleMessages = controlQueues?.Visible,
            IntakeP50Ms = LoadReport.Percentile(intake, 0.50),
            IntakeP95Ms = LoadReport.Percentile(intake, 0.95),
            IntakeP99Ms = LoadReport.Percentile(intake, 0.99),
            IntakeMaxMs = intake.Length == 0 ? double.NaN : intake[^1],
            LifecycleP50Seconds = LoadReport.Percentile(lifecycles, 0.50),
            LifecycleP95Seconds = LoadReport.Percentile(lifecycles, 0.95),
            Stages = LoadReport.StageLatencies(sample),
            PeakDotnetRssBytes = meter.PeakHostRssBytes,
            PeakManagedHeapBytes = meter.PeakManagedHeapBytes,
            PeakAzuriteRssBytes = meter.PeakAzuriteRssBytes,
            MemoryAtQuarters = quarters,
            DotnetCpuSeconds = hostCpu,
            DriverCpuSeconds = target.Host is null ? null : driverCpu,
            AzuriteCpuSeconds = azuriteCpu,
            AzuriteCpuSecondsByService = azuriteCpuByService,
            QuarterRates = LoadReport.RatesByQuarter(startedAt, tracker.FinishedAt.Values),
            Outcomes = LoadReport.CountOutcomes(Submissions, tracker.Stages),
        };
        report.Print(output);
        await PrintUnfinishedReasonsAsync(target.Services.GetRequiredService<ApplicationProjection>(), tracker, cancellationToken);
        foreach (Submission refused in Submissions.Where(s => !s.Accepted).Take(3))
        {
            output.WriteLine($"  refused #{refused.Index} ({(int)refused.Status}): {refused.Problem}");
        }

        if (options.ResultFile is { } file)
        {
            await report.WriteAsync(file, cancellationToken);
        }

        return report;
    }

    /// <summary>The host's counters as written after this moment (it writes them every second).</summary>
    static async Task<HostCounters> FreshCountersAsync(string path, CancellationToken cancellationToken)
    {
        DateTimeOffset asked = DateTimeOffset.UtcNow;
        DateTimeOffset giveUpAt = asked.AddSeconds(30);
        while (true)
        {
            if (HostCounters.Read(path) is { } counters && counters.WrittenAt > asked)
            {
                return counters;
            }

            if (DateTimeOffset.UtcNow > giveUpAt)
            {
                throw new InvalidOperationException($"The Local host wrote no counters to {path} for 30 s (is it running, with {HostCounters.FileSetting}?).");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>
    /// A finished application's workflow still records the handover after its final transition: wait (up to 30 s) for
    /// the runtime to complete them, so stopping the host does not cut those activities off mid-call.
    /// </summary>
    static async Task LetWorkflowsEndAsync(ApplicationTracker tracker, CancellationToken cancellationToken)
    {
        var patience = Stopwatch.StartNew();
        try
        {
            while (patience.Elapsed < TimeSpan.FromSeconds(30) && await tracker.StillRunningAsync(cancellationToken) > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
        catch (Azure.RequestFailedException)
        {
            // Storage away (a fault run): the report matters more than a quiet shutdown.
        }
    }

    /// <summary>Why applications did not end Delivered: the last transition's cause and detail, grouped.</summary>
    async Task PrintUnfinishedReasonsAsync(ApplicationProjection projection, ApplicationTracker tracker, CancellationToken cancellationToken)
    {
        string[] others = [.. tracker.Stages.Where(kv => kv.Value != nameof(ApplicationStage.Delivered)).Select(kv => kv.Key).Take(200)];
        if (others.Length == 0)
        {
            return;
        }

        var reasons = new List<string>();
        foreach (string id in others)
        {
            if (tracker.RuntimeFailures.TryGetValue(id, out string? failure))
            {
                reasons.Add($"orchestration {failure}");
                continue;
            }

            ApplicationView? view = await projection.GetAsync(id, cancellationToken);
            TimelineEntry? last = view is { Timeline.Count: > 0 } ? view.Timeline[^1] : null;
            reasons.Add(last is null ? "no projection row yet" : $"{last.Stage}: {last.Cause}: {last.Detail}");
        }

        output.WriteLine("not delivered, by last transition:");
        foreach (IGrouping<string, string> group in reasons.GroupBy(r => r).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {group.Count(),5}  {group.Key}");
        }
    }

    async Task<List<ApplicationView>> SampleTimelinesAsync(ApplicationProjection projection, CancellationToken cancellationToken)
    {
        string[] ids = [.. Submissions.Where(s => s.Accepted).Select(s => s.ApplicationId!)];
        int take = Math.Min(ids.Length, Math.Max(0, options.TimelineSample));
        string[] chosen = [.. Enumerable.Range(0, take).Select(i => ids[(int)((long)i * ids.Length / take)])];
        var views = new List<ApplicationView>(take);
        using var slots = new SemaphoreSlim(8);
        ApplicationView?[] read = await Task.WhenAll(chosen.Select(async id =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return await projection.GetAsync(id, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
        views.AddRange(read.OfType<ApplicationView>());
        return views;
    }
}
