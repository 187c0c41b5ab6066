using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;

namespace CitizenWorkflows.Seeding;

/// <summary>
/// Synthetic applications, the same for the same index: spread over all 63 provinces, 8 districts and 6 communes each,
/// 4 kiosks per province, one every 30 seconds from <see cref="Epoch"/>; 19 in 20 delivered (12 transitions), 1 in 20
/// still in flight at a stage between DocumentsStored and InTransit, overdue (due 9 days after intake, long past).
/// </summary>
public static class SyntheticApplications
{
    /// <summary>The intake time of application 0: months before any run, so every application in flight is overdue.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 6, 1, 1, 0, 0, TimeSpan.Zero);

    static readonly string[] Provinces = [.. Province.All.Select(p => p.Code)];

    static readonly ApplicationStage[] Path =
    [
        ApplicationStage.Received, ApplicationStage.DocumentsStored, ApplicationStage.BiometricCheck, ApplicationStage.AwaitingApproval,
        ApplicationStage.Approved, ApplicationStage.Personalised, ApplicationStage.Printing, ApplicationStage.Printed, ApplicationStage.Shipped,
        ApplicationStage.InTransit, ApplicationStage.AtStation, ApplicationStage.Delivered,
    ];

    /// <summary>True for the applications still in flight (1 in 20).</summary>
    public static bool InFlight(int index) => index % 20 == 7;

    public static string ProvinceOf(int index) => Provinces[index % Provinces.Length];

    /// <summary>Application <paramref name="index"/>'s journal: every transition it has made so far.</summary>
    public static IReadOnlyList<ApplicationTransition> For(int index)
    {
        string province = ProvinceOf(index);
        int local = index / Provinces.Length;
        DateTimeOffset received = Epoch.AddSeconds(30.0 * index);
        var header = new ApplicationHeader(
            Guid.CreateVersion7(received).ToString("N"), index % 7 == 0 ? ApplicationType.Renewal : ApplicationType.New, province,
            $"SEED-{province}-{local % 4}", received, received.AddDays(9), Commune: $"C{local / 8 % 6}", District: $"D{local % 8}");
        int length = InFlight(index) ? 2 + (index / 20 % 9) : Path.Length;
        return [.. Path.Take(length).Select((stage, n) => new ApplicationTransition(header, n + 1, stage, received.AddHours(n * 6), "seeded", null, [], null))];
    }
}
