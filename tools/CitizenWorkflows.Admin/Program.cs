using CitizenWorkflows.Admin;

// Usage: CitizenWorkflows.Admin registry generate|load|show …   the population registry (RegistryCommands)
//        CitizenWorkflows.Admin kiosk register|disable|enable …  kiosk registration (KioskCommands)
//        CitizenWorkflows.Admin card verify --file F | --application ID   a card's signed chip data (CardCommands)
// Configuration as for the host, as Section:Key=value or --Section:Key=value arguments (e.g. Storage:ConnectionString=…);
// every command has --help (AdminCommandLine). ./run.sh registry|kiosk|card … runs it.
return await AdminCommandLine.RunAsync(args, Console.Out, Console.Error);
