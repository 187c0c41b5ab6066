using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Domain;

/// <summary>Why a card is applied for: a first card, a renewal at a renewal age, or a reissue (lost, damaged, changed data).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApplicationType>))]
public enum ApplicationType
{
    New,
    Renewal,
    Reissue,
}
