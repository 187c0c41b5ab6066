// CitizenWorkflows - the resources of one environment (resource-group scope; main.bicep creates the group).
//
// Deploys a .NET 10 isolated Durable Functions app on the Flex Consumption plan.
// The app authenticates to Storage and Key Vault with its system-assigned managed
// identity: no storage keys, connection strings or secrets appear in this template
// or in the app settings.

targetScope = 'resourceGroup'

@description('Azure region for all resources.')
param location string = resourceGroup().location

@description('Tags for every resource (main.bicep passes azd-env-name).')
param tags object = {}

@description('Object id of a person or pipeline that deploys (azd: AZURE_PRINCIPAL_ID). It may write the card-signing key into the vault; empty: no such role.')
param deployerPrincipalId string = ''

@description('Prefix for resource names: lowercase letters, digits and hyphens, starting with a letter.')
@minLength(3)
@maxLength(20)
param namePrefix string = 'citizenwf'

@description('Durable Functions task hub name (exposed to the app as the TaskHubName setting).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'CitizenWorkflows'

@description('Optional kiosk API keys (status reads; people sign in with Entra ID, partners use client credentials). Each entry names a secret that already exists in the Key Vault; the app receives it as a Key Vault reference (Security__ApiKeys__<i>__Key) plus its role, principal and province. Leave empty on the first deployment, create the secrets, then redeploy.')
param apiKeySecrets apiKeySecretRef[] = []

@description('A kiosk API key kept in Key Vault (a partner key only with partnerApiKeys during a migration).')
type apiKeySecretRef = {
  @description('Name of the Key Vault secret holding the key value.')
  secretName: string

  @description('Role granted to callers presenting this key: kiosk; a partner role only while partnerApiKeys is true.')
  role: ('kiosk' | 'print-centre' | 'courier' | 'biometric-matcher')

  @description('Who holds the key (a kiosk id, a partner name); recorded as the cause of what they do.')
  principal: string

  @description('For kiosks: the province code they work in.')
  province: string?

  @description('For officers of a district: its code.')
  district: string?

  @description('For officers of a commune: its code.')
  commune: string?
}

@description('Public holidays (yyyy-MM-dd) skipped by the working-day service level and approval deadlines (Calendar:Holidays).')
param publicHolidays string[] = [
  '2026-01-01'
  '2026-02-16'
  '2026-02-17'
  '2026-02-18'
  '2026-02-19'
  '2026-02-20'
  '2026-04-27'
  '2026-04-30'
  '2026-05-01'
  '2026-09-02'
]

@description('Microsoft Entra tenant id whose tokens the API accepts (issuer https://login.microsoftonline.com/<tenant>/v2.0). Empty: the current tenant.')
param oidcTenantId string = tenant().tenantId

@description('The API app registration\'s Application ID URI or client id: the audience every access token must carry (docs/design.md, Microsoft Entra ID set-up).')
param oidcAudience string = 'api://citizenworkflows'

@description('Client id of the dashboard\'s single-page-application registration (authorization code + PKCE). Empty: the dashboard cannot sign in.')
param dashboardClientId string = ''

@description('Accept partner API keys besides client credentials while partners migrate (Security__PartnerApiKeys). Off by default.')
param partnerApiKeys bool = false

var token = toLower(uniqueString(resourceGroup().id, namePrefix))
var compactPrefix = take(replace(toLower(namePrefix), '-', ''), 9)

var names = {
  logAnalytics: '${namePrefix}-log-${token}'
  appInsights: '${namePrefix}-appi-${token}'
  storage: '${compactPrefix}st${token}'
  keyVault: '${compactPrefix}kv${token}'
  plan: '${namePrefix}-plan-${token}'
  functionApp: '${namePrefix}-func-${token}'
  eventGridTopic: '${namePrefix}-evgt-${token}'
}

var documentsContainerName = 'documents'
var deploymentContainerName = 'deploymentpackage'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    storageAccountName: names.storage
    documentsContainerName: documentsContainerName
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    tags: tags
    keyVaultName: names.keyVault
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    location: location
    tags: tags
    planName: names.plan
    functionAppName: names.functionApp
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
  }
}

module roleAssignments 'modules/roleAssignments.bicep' = {
  name: 'roleAssignments'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.name
    deployerPrincipalId: deployerPrincipalId
  }
}

// Offline packets: the blob trigger runs on Event Grid (Flex Consumption has no polling blob trigger). The system topic
// is created here; its subscription needs the blobs_extension system key, which exists only once the code is deployed,
// so azd's postdeploy hook (scripts/azd-postdeploy.sh) creates it.
module packetEvents 'modules/eventGrid.bicep' = {
  name: 'packetEvents'
  params: {
    location: location
    tags: tags
    systemTopicName: names.eventGridTopic
    storageAccountName: storage.outputs.name
  }
}

// Identity-based connection for the Functions host and the Durable task hub
// (credential=managedidentity without a clientId means the system-assigned identity).
var hostStorageSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
}

var appSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  // Application Insights takes telemetry only with a Microsoft Entra token (local auth is off): the app's identity has
  // Monitoring Metrics Publisher on the component.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  TaskHubName: taskHubName
  Storage__accountName: storage.outputs.name
  // The app's own storage clients use the managed identity alone, as the host does (no credential chain probed at start).
  Storage__credential: 'managedidentity'
  Workflow__AutoApprove: 'false'
  // Each officer level's approval deadline in working days (Vietnam time, skipping the holidays below), as the Local host.
  Workflow__ApprovalWorkingDays: '2'
  // The card-signing key (P-256 PKCS#8 PEM) from the secret 'card-signing-key', created before the first card is personalised.
  CardSigning__PrivateKeyPem: '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=card-signing-key)'
  // The reconciliation timer's NCRONTAB (%Reconciliation:Schedule% in the trigger): every 15 minutes.
  Reconciliation__Schedule: '0 */15 * * * *'
  // Operators and partners: Entra ID access tokens, validated by the app itself against the tenant's metadata.
  Security__OpenIdConnect__Authority: '${environment().authentication.loginEndpoint}${oidcTenantId}/v2.0'
  Security__OpenIdConnect__Audience: oidcAudience
  Security__PartnerApiKeys: string(partnerApiKeys)
  Dashboard__SignIn__ClientId: dashboardClientId
  Dashboard__SignIn__Scope: 'openid ${oidcAudience}/Operations'
}

// Key Vault references resolved by the platform with the app's identity.
var apiKeySettings = reduce(
  range(0, length(apiKeySecrets)),
  {},
  (acc, i) =>
    union(acc, {
      'Security__ApiKeys__${i}__Key': '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=${apiKeySecrets[i].secretName})'
      'Security__ApiKeys__${i}__Role': apiKeySecrets[i].role
      'Security__ApiKeys__${i}__Principal': apiKeySecrets[i].principal
      'Security__ApiKeys__${i}__Province': apiKeySecrets[i].?province ?? ''
      'Security__ApiKeys__${i}__District': apiKeySecrets[i].?district ?? ''
      'Security__ApiKeys__${i}__Commune': apiKeySecrets[i].?commune ?? ''
    })
)

var holidaySettings = reduce(range(0, length(publicHolidays)), {}, (acc, i) => union(acc, { 'Calendar__Holidays__${i}': publicHolidays[i] }))

module functionAppSettings 'modules/appSettings.bicep' = {
  name: 'functionAppSettings'
  params: {
    functionAppName: functionApp.outputs.name
    appSettings: union(hostStorageSettings, appSettings, apiKeySettings, holidaySettings)
  }
  dependsOn: [
    roleAssignments
  ]
}

@description('Name of the Function App.')
output functionAppName string = functionApp.outputs.name

@description('Default host name of the Function App.')
output functionAppDefaultHostName string = functionApp.outputs.defaultHostName

@description('Name of the storage account (identity-only access).')
output storageAccountName string = storage.outputs.name

@description('Name of the Key Vault holding the role API keys.')
output keyVaultName string = keyVault.outputs.name

@description('Name of the Event Grid system topic on the storage account (the packet subscription hangs off it).')
output eventGridSystemTopicName string = packetEvents.outputs.name
