using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Storage;

public enum StorageKind
{
    Container,
    Table,
    Queue,
}

/// <summary>A blob container, table or queue a feature owns; <see cref="StorageInitializer"/> creates every one declared.</summary>
public sealed record StorageDeclaration(StorageKind Kind, string Name);

/// <summary>How a feature's <c>Add…</c> declares the storage it owns, next to the stores that use it.</summary>
public static class StorageDeclarations
{
    public static IServiceCollection AddTables(this IServiceCollection services, params string[] names) => Declare(services, StorageKind.Table, names);

    public static IServiceCollection AddQueues(this IServiceCollection services, params string[] names) => Declare(services, StorageKind.Queue, names);

    public static IServiceCollection AddContainers(this IServiceCollection services, params string[] names) => Declare(services, StorageKind.Container, names);

    static IServiceCollection Declare(IServiceCollection services, StorageKind kind, string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (string name in names)
        {
            services.AddSingleton(new StorageDeclaration(kind, name));
        }

        return services;
    }
}
