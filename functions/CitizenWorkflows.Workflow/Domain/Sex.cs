using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Domain;

[JsonConverter(typeof(JsonStringEnumConverter<Sex>))]
public enum Sex
{
    Male,
    Female,
}
