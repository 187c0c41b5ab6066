using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Functions.Activities;

/// <summary>
/// One wrapper per entry of <see cref="WorkflowCatalog.Activities"/>. The function name is the activity's class name,
/// the durable name the orchestrations call; the activity itself is resolved from the invocation's services.
/// </summary>
public static class ActivityFunctions
{
    [Function(nameof(RecordTransitions))]
    public static Task<int> RunRecordTransitions(
        [ActivityTrigger] JournalEntries input, string instanceId, FunctionContext executionContext) =>
        RunAsync<RecordTransitions, JournalEntries, int>(executionContext, nameof(RecordTransitions), instanceId, input);

    [Function(nameof(CheckApplication))]
    public static Task<ApplicationCheckResults> RunCheckApplication(
        [ActivityTrigger] ApplicationChecks input, string instanceId, FunctionContext executionContext) =>
        RunAsync<CheckApplication, ApplicationChecks, ApplicationCheckResults>(executionContext, nameof(CheckApplication), instanceId, input);

    [Function(nameof(CheckPortrait))]
    public static Task<PortraitCheckResult> RunCheckPortrait(
        [ActivityTrigger] DocumentReference input, string instanceId, FunctionContext executionContext) =>
        RunAsync<CheckPortrait, DocumentReference, PortraitCheckResult>(executionContext, nameof(CheckPortrait), instanceId, input);

    [Function(nameof(SearchDuplicates))]
    public static Task<DuplicateSearchResult> RunSearchDuplicates(
        [ActivityTrigger] DuplicateSearchRequest input, string instanceId, FunctionContext executionContext) =>
        RunAsync<SearchDuplicates, DuplicateSearchRequest, DuplicateSearchResult>(executionContext, nameof(SearchDuplicates), instanceId, input);

    [Function(nameof(RequestBiometricSearch))]
    public static Task<string> RunRequestBiometricSearch(
        [ActivityTrigger] BiometricSearchOrder input, string instanceId, FunctionContext executionContext) =>
        RunAsync<RequestBiometricSearch, BiometricSearchOrder, string>(executionContext, nameof(RequestBiometricSearch), instanceId, input);

    [Function(nameof(CheckRegistry))]
    public static Task<RegistryMatch> RunCheckRegistry(
        [ActivityTrigger] RegistryCheckRequest input, string instanceId, FunctionContext executionContext) =>
        RunAsync<CheckRegistry, RegistryCheckRequest, RegistryMatch>(executionContext, nameof(CheckRegistry), instanceId, input);

    [Function(nameof(PersonaliseCard))]
    public static Task<PersonalisedCard> RunPersonaliseCard(
        [ActivityTrigger] PersonalisationRequest input, string instanceId, FunctionContext executionContext) =>
        RunAsync<PersonaliseCard, PersonalisationRequest, PersonalisedCard>(executionContext, nameof(PersonaliseCard), instanceId, input);

    [Function(nameof(DispatchWorkOrder))]
    public static Task<string> RunDispatchWorkOrder(
        [ActivityTrigger] WorkOrderDispatch input, string instanceId, FunctionContext executionContext) =>
        RunAsync<DispatchWorkOrder, WorkOrderDispatch, string>(executionContext, nameof(DispatchWorkOrder), instanceId, input);

    [Function(nameof(RecordHandover))]
    public static Task<int> RunRecordHandover(
        [ActivityTrigger] HandoverRecording input, string instanceId, FunctionContext executionContext) =>
        RunAsync<RecordHandover, HandoverRecording, int>(executionContext, nameof(RecordHandover), instanceId, input);

    [Function(nameof(ReleaseCitizenClaim))]
    public static Task<bool> RunReleaseCitizenClaim(
        [ActivityTrigger] ClaimRelease input, string instanceId, FunctionContext executionContext) =>
        RunAsync<ReleaseCitizenClaim, ClaimRelease, bool>(executionContext, nameof(ReleaseCitizenClaim), instanceId, input);

    static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(FunctionContext executionContext, string name, string instanceId, TInput input)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(executionContext);
        TActivity activity = executionContext.InstanceServices.GetRequiredService<TActivity>();
        return activity.RunAsync(new FunctionActivityContext(name, instanceId), input);
    }
}
