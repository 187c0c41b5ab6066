using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Production;

public static class ProductionServices
{
    /// <summary>
    /// Personalisation: the personal-number registry (tables <c>personalnumbers</c>, <c>cardsinproduction</c>) and the
    /// card signer, from <c>CardSigning:PrivateKeyPem</c> (Key Vault in Azure) or, on a development machine,
    /// <c>CardSigning:DevelopmentKeyFile</c>.
    /// </summary>
    public static IServiceCollection AddCardProduction(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<PersonalNumberRegistry>();
        services.TryAddSingleton(_ => new CardSigner(CardSigningKey.FromConfiguration(configuration)));
        services.AddTables(StorageNames.PersonalNumbersTable, PersonalNumberRegistry.InProductionTable);
        return services;
    }
}
