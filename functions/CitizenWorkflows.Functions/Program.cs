using CitizenWorkflows.Biometrics.Portrait;
using Azure.Data.Tables;
using CitizenWorkflows.Functions.Http;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Telemetry;
using CitizenWorkflows.Workflow.Operations.History;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Functions host runs the same Workflow code as the Local host; this app only adapts it to triggers.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Every route's authorisation and rate limit (Workflow/Security/RouteRules), before the function runs.
builder.UseMiddleware<ApiGateMiddleware>();
builder.Services.AddCitizenWorkflows(builder.Configuration);
builder.Services.AddOpenCvPortraitQuality(builder.Configuration);
builder.Services.AddWorkflowTelemetry(builder.Configuration, "citizenworkflows-functions");
// Stored history for the operators' detail: read from the task hub's History table (host.json: %TaskHubName%), the
// store DurableTask.AzureStorage writes; tested against it on Azurite, unlike the client's GetOrchestrationHistoryAsync.
builder.Services.AddSingleton<IOrchestrationHistory>(services => new TaskHubHistoryTable(
    services.GetRequiredService<TableServiceClient>(), builder.Configuration["TaskHubName"] ?? "CitizenWorkflows"));
await builder.Build().RunAsync();
