using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local.Runtime;
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
    /// Where the run reaches the system; <see cref="WorkItems"/> is null when the runtime is another process (then
    /// the storage requests the services' counter sees are the driver's own, and are not reported as the lifecycle's).
    /// </summary>
    public sealed record Target(
        Uri BaseAddress,
        IServiceProvider Services,
        IReadOnlyList<LocalKiosk.Credentials> Kiosks,
        WorkItemCounts? WorkItems,
        Func<string, CancellationToken, Task<bool>>? Approve,
        string? StorageConnectionString,
        string? TaskHub = null);

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
        await using ProcessMeter meter = ProcessMeter.Start(target.StorageConnectionString);
        StorageRequestCounter storageRequests = target.Services.GetRequiredService<StorageRequestCounter>();
        StorageRequestCounts requests0 = storageRequests.Snapshot();
        IReadOnlyList<StorageOperationCount> operations0 = storageRequests.Operations();
        (long o0, long a0) = (target.WorkItems?.OrchestrationWorkItems ?? 0, target.WorkItems?.ActivityWorkItems ?? 0);
        (TimeSpan ob0, TimeSpan ab0) = (target.WorkItems?.Orchestrations.BusyTime ?? default, target.WorkItems?.Activities.BusyTime ?? default);
        using var submitter = new KioskSubmitter(target.BaseAddress, target.Kiosks) { RetryFor = SubmitRetryFor };
        var clock = Stopwatch.StartNew();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        int answered = 0;
        void Answered(Submission s)
        {
            Interlocked.Increment(ref answered);
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
                (long self, long azurite, long heap) = meter.Sample();
                quarters.Add(string.Create(CultureInfo.InvariantCulture, $"{self / 1048576}/{heap / 1048576}/{azurite / 1048576}"));
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

        TimeSpan wall = clock.Elapsed;
        tracker.DrawProgress(output, Volatile.Read(ref answered), options.Count, wall, force: true);
        output.WriteLine();
        await LetWorkflowsEndAsync(tracker, cancellationToken);
        StorageRequestCounts requests = storageRequests.Snapshot().Since(requests0);
        ControlQueueCount? controlQueues = target.TaskHub is { } taskHub
            ? await ControlQueueCount.ReadAsync(target.Services.GetRequiredService<QueueServiceClient>(), taskHub, cancellationToken)
            : null;
        Submissions = submitting.IsCompletedSuccessfully ? await submitting : [];
        (double selfCpu, double azuriteCpu, _) = meter.Cpu();
        IReadOnlyDictionary<string, double> azuriteCpuByService = meter.AzuriteCpuByService();
        (long o1, long a1) = (target.WorkItems?.OrchestrationWorkItems ?? 0, target.WorkItems?.ActivityWorkItems ?? 0);
        (TimeSpan ob1, TimeSpan ab1) = (target.WorkItems?.Orchestrations.BusyTime ?? default, target.WorkItems?.Activities.BusyTime ?? default);

        List<ApplicationView> sample = await SampleTimelinesAsync(target.Services.GetRequiredService<ApplicationProjection>(), cancellationToken);
        double[] intake = [.. Submissions.Where(s => s.Accepted).Select(s => s.LatencyMs).Order()];
        double[] lifecycles = [.. sample.Where(v => v.Stage.IsFinal() && v.Timeline.Count > 1).Select(v => (v.Timeline[^1].At - v.Timeline[0].At).TotalSeconds).Order()];
        int delivered = tracker.Stages.Values.Count(s => s == nameof(ApplicationStage.Delivered));
        long workItems = (o1 - o0) + (a1 - a0);
        var report = new LoadReport
        {
            Command = commandLine,
            Submitted = Uploads.Count,
            Accepted = Submissions.Count(s => s.Accepted),
            Delivered = delivered,
            Finished = tracker.Finished,
            SubmitSeconds = submitSeconds == 0 ? wall.TotalSeconds : submitSeconds,
            WallSeconds = wall.TotalSeconds,
            CompletedPerSecond = delivered / wall.TotalSeconds,
            SubmissionsPerSecond = Submissions.Count(s => s.Accepted) / (submitSeconds == 0 ? wall.TotalSeconds : submitSeconds),
            OrchestrationWorkItems = target.WorkItems is null ? null : o1 - o0,
            ActivityWorkItems = target.WorkItems is null ? null : a1 - a0,
            WorkItemsPerSecond = target.WorkItems is null ? null : workItems / wall.TotalSeconds,
            EpisodeMeanMs = target.WorkItems is null || o1 == o0 ? null : (ob1 - ob0).TotalMilliseconds / (o1 - o0),
            ActivityMeanMs = target.WorkItems is null || a1 == a0 ? null : (ab1 - ab0).TotalMilliseconds / (a1 - a0),
            PeakEpisodesAtOnce = target.WorkItems?.Orchestrations.PeakInFlight,
            PeakActivitiesAtOnce = target.WorkItems?.Activities.PeakInFlight,
            StorageRequests = target.WorkItems is null ? null : [.. requests.Cells.Where(c => c.Caller != StorageCaller.LoadDriver)],
            LoadDriverStorageRequests = requests.For(StorageCaller.LoadDriver),
            StorageOperations = target.WorkItems is null ? null
                : [.. StorageOperationCount.Since(storageRequests.Operations(), operations0).Where(o => o.Caller != StorageCaller.LoadDriver)],
            ControlQueueMessages = controlQueues?.Messages,
            ControlQueueVisibleMessages = controlQueues?.Visible,
            IntakeP50Ms = LoadReport.Percentile(intake, 0.50),
            IntakeP95Ms = LoadReport.Percentile(intake, 0.95),
            IntakeP99Ms = LoadReport.Percentile(intake, 0.99),
            IntakeMaxMs = intake.Length == 0 ? double.NaN : intake[^1],
            LifecycleP50Seconds = LoadReport.Percentile(lifecycles, 0.50),
            LifecycleP95Seconds = LoadReport.Percentile(lifecycles, 0.95),
            Stages = LoadReport.StageLatencies(sample),
            PeakDotnetRssBytes = meter.PeakSelfRssBytes,
            PeakManagedHeapBytes = meter.PeakManagedHeapBytes,
            PeakAzuriteRssBytes = meter.PeakAzuriteRssBytes,
            MemoryAtQuarters = quarters,
            DotnetCpuSeconds = selfCpu,
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
