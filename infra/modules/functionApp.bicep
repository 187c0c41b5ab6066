// Function App on the Flex Consumption plan (FC1), .NET 10 isolated worker,
// with a system-assigned managed identity. The deployment package container is
// accessed with that identity too (no storage keys, no connection strings).
// App settings are applied separately (appSettings.bicep) once the identity
// has been granted its roles.

@description('Azure region for the plan and the app.')
param location string

@description('Tags for the resources of this module.')
param tags object = {}

@description('The azure.yaml service whose code azd deploys to this app (tag azd-service-name, on the app only).')
param serviceName string = 'api'

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Function App.')
param functionAppName string

@description('Full URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Maximum number of instances the app can scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory size of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // Publishing uses Microsoft Entra ID only: basic (user/password) credentials are off.
  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }
}

@description('Name of the Function App.')
output name string = functionApp.name

@description('Object id of the app\'s system-assigned managed identity.')
output principalId string = functionApp.identity.principalId

@description('Default host name of the app.')
output defaultHostName string = functionApp.properties.defaultHostName
