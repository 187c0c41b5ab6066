using CitizenWorkflows.Biometrics.Portrait;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Operations.History;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Functions host runs the same Workflow code as the Local host; this app only adapts it to triggers.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddCitizenWorkflows(builder.Configuration);
builder.Services.AddOpenCvPortraitQuality(builder.Configuration);
// The isolated worker's Durable client cannot read stored history; read the task hub's History table (host.json: %TaskHubName%).
builder.Services.AddSingleton<IOrchestrationHistory>(services => new TaskHubHistoryTable(
    services.GetRequiredService<TableServiceClient>(), builder.Configuration["TaskHubName"] ?? "CitizenWorkflows"));
await builder.Build().RunAsync();
