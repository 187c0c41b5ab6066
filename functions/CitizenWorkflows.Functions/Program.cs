using CitizenWorkflows.Biometrics.Portrait;
using CitizenWorkflows.Functions.Http;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The Functions host runs the same Workflow code as the Local host; this app only adapts it to triggers.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Every route's authorisation and rate limit (Workflow/Security/RouteRules), before the function runs.
builder.UseMiddleware<ApiGateMiddleware>();
builder.Services.AddCitizenWorkflows(builder.Configuration);
builder.Services.AddOpenCvPortraitQuality(builder.Configuration);
builder.Services.AddWorkflowTelemetry(builder.Configuration, "citizenworkflows-functions");
await builder.Build().RunAsync();
