using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Notifications;

public static class NotificationServices
{
    /// <summary>The outbox, its dispatcher and, unless a host registered another <see cref="INotifier"/>, the recording one.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.TryAddSingleton<NotificationOutbox>();
        services.TryAddSingleton<RecordingNotifier>();
        services.TryAddSingleton<INotifier>(sp => sp.GetRequiredService<RecordingNotifier>());
        services.TryAddSingleton<NotificationDispatcher>();
        services.AddHostedService<NotificationTablesInitializer>();
        return services;
    }
}

/// <summary>Creates the outbox and the recording notifier's table at start-up (idempotent).</summary>
public sealed class NotificationTablesInitializer(NotificationOutbox outbox, RecordingNotifier recorder) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(outbox.EnsureTableAsync(cancellationToken), recorder.EnsureTableAsync(cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
