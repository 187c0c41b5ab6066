using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Orchestration.Batches;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

/// <summary>Cards waiting to be printed, per print centre, in table <c>printbacklog</c> (partition = the centre).</summary>
public sealed class PrintBacklog(TableServiceClient tables) : CardBacklog(tables, Table)
{
    public const string Table = "printbacklog";
}
