namespace CitizenWorkflows.Workflow.Domain;

/// <summary>A named rule that input broke, with a message a kiosk operator can act on.</summary>
public sealed record RuleViolation(string Rule, string Message);
