using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Notifications;

public static class NotificationServices
{
    /// <summary>
    /// The outbox, its dispatcher and the notifier: the signed webhook when <c>NotificationWebhook:Url</c> is set, else
    /// (unless a host registered another <see cref="INotifier"/>) the recording one.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        // Read once at registration (not an options type): the notifier is chosen by whether a gateway is configured.
        if (configuration.GetSection(WebhookNotifierOptions.SectionName).Get<WebhookNotifierOptions>() is { Url: not null } webhook)
        {
            services.TryAddSingleton<INotifier>(sp => new WebhookNotifier(
                new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, webhook, sp.GetRequiredService<TimeProvider>()));
        }

        services.TryAddSingleton<NotificationOutbox>();
        services.TryAddSingleton<RecordingNotifier>();
        services.TryAddSingleton<INotifier>(sp => sp.GetRequiredService<RecordingNotifier>());
        services.TryAddSingleton<NotificationDispatcher>();
        services.AddTables(NotificationOutbox.TableName, NotificationOutbox.PendingTableName, RecordingNotifier.TableName);
        // Notifications recorded pending before the pending list existed join it.
        services.AddSingleton(sp => new StorageLayoutChange("pending-notifications", sp.GetRequiredService<NotificationOutbox>().ListRecordedPendingAsync));
        return services;
    }
}
