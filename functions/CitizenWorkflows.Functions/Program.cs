using CitizenWorkflows.Biometrics.Portrait;
using CitizenWorkflows.Workflow;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The Functions host runs the same Workflow code as the Local host; this app only adapts it to triggers.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddCitizenWorkflows(builder.Configuration);
builder.Services.AddOpenCvPortraitQuality(builder.Configuration);
await builder.Build().RunAsync();
