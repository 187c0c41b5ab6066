// CitizenWorkflows - Azure deployment, the entry point of `azd up` (subscription scope).
//
// Creates the environment's resource group and deploys app.bicep into it: a .NET 10 isolated Durable Functions app on
// the Flex Consumption plan that reaches Storage, Key Vault and Application Insights with its managed identity only.
// Parameters come from main.parameters.json (azd fills AZURE_ENV_NAME, AZURE_LOCATION and AZURE_PRINCIPAL_ID).

targetScope = 'subscription'

@description('Name of the azd environment (e.g. dev, prod); names the resource group and tags every resource.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for all resources.')
@minLength(1)
param location string

@description('Resource group to create or reuse; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Prefix for resource names: lowercase letters, digits and hyphens, starting with a letter.')
@minLength(3)
@maxLength(20)
param namePrefix string = 'citizenwf'

@description('Durable Functions task hub name (exposed to the app as the TaskHubName setting).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'CitizenWorkflows'

@description('Object id of whoever deploys (azd sets AZURE_PRINCIPAL_ID); may write the card-signing key. Empty: none.')
param deployerPrincipalId string = ''

@description('Optional kiosk API keys, each a secret already in the Key Vault (see app.bicep).')
param apiKeySecrets array = []

@description('Entra tenant whose tokens the API accepts (see app.bicep). Empty: the current tenant.')
param oidcTenantId string = ''

@description('The API\'s audience in Entra access tokens (see app.bicep).')
param oidcAudience string = 'api://citizenworkflows'

@description('Client id of the dashboard\'s single-page-application registration.')
param dashboardClientId string = ''

var tags = { 'azd-env-name': environmentName }

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module app 'app.bicep' = {
  name: 'citizenworkflows'
  scope: group
  params: {
    location: location
    tags: tags
    namePrefix: namePrefix
    taskHubName: taskHubName
    deployerPrincipalId: deployerPrincipalId
    apiKeySecrets: apiKeySecrets
    oidcTenantId: empty(oidcTenantId) ? tenant().tenantId : oidcTenantId
    oidcAudience: oidcAudience
    dashboardClientId: dashboardClientId
  }
}

// azd writes these into the environment (.azure/<env>/.env); the hooks and scripts/smoke-azure.sh read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.functionAppName
output AZURE_STORAGE_ACCOUNT_NAME string = app.outputs.storageAccountName
output AZURE_KEY_VAULT_NAME string = app.outputs.keyVaultName
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = app.outputs.eventGridSystemTopicName
output SERVICE_API_NAME string = app.outputs.functionAppName
output SERVICE_API_URI string = 'https://${app.outputs.functionAppDefaultHostName}'
