using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        return services;
    }
}
