using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>
/// One reconciliation at a time, across every host: a lease on blob <c>reconciliation/lock</c>. The holder renews it
/// every third of its duration while it works; a crashed holder's lease runs out by itself.
/// </summary>
public sealed class ReconciliationLock(BlobServiceClient blobs)
{
    public const string Container = "reconciliation";
    public const string BlobName = "lock";

    BlobClient Blob => blobs.GetBlobContainerClient(Container).GetBlobClient(BlobName);

    /// <summary>True while a run holds the lease (one read of the lock blob's properties; false when it never existed).</summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await Blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.LeaseState == LeaseState.Leased;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Takes the lease; null when another run holds it.</summary>
    public async Task<Held?> TryAcquireAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        BlobClient blob = Blob;
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The lock blob exists already (409 when it is leased, 412 when not).
        }

        BlobLeaseClient lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(duration, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }

        return new Held(lease, duration);
    }

    /// <summary>A held lease: renewed in the background until disposed, then released. <see cref="Lost"/> fires if a
    /// renewal fails.</summary>
    public sealed class Held : IAsyncDisposable
    {
        readonly BlobLeaseClient lease;
        readonly CancellationTokenSource stop = new();
        readonly CancellationTokenSource lost = new();
        readonly Task renewing;
        bool released;

        internal Held(BlobLeaseClient lease, TimeSpan duration)
        {
            this.lease = lease;
            renewing = RenewAsync(duration / 3);
        }

        /// <summary>Cancelled when the lease could not be renewed: another run may start, so this one must stop.</summary>
        public CancellationToken Lost => lost.Token;

        async Task RenewAsync(TimeSpan every)
        {
            using var timer = new PeriodicTimer(every);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    await lease.RenewAsync(cancellationToken: stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (RequestFailedException)
            {
                await lost.CancelAsync();
            }
        }

        /// <summary>Stops renewing and releases the lease; safe to call again.</summary>
        public async ValueTask DisposeAsync()
        {
            if (released)
            {
                return;
            }

            released = true;
            await stop.CancelAsync();
            await renewing;
            try
            {
                await lease.ReleaseAsync();
            }
            catch (RequestFailedException)
            {
                // Already lost or expired: nothing to give back.
            }

            stop.Dispose();
            lost.Dispose();
        }
    }
}
