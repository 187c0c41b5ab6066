using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

public static class PrintBatchServices
{
    public static IServiceCollection AddPrintBatches(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrintBatchOptions>().Bind(configuration.GetSection(PrintBatchOptions.SectionName));
        services.TryAddSingleton<PrintBacklog>();
        services.TryAddSingleton<PrintBatchCloser>();
        return services;
    }
}
