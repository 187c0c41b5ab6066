// Key Vault holding the per-role API keys. Access is controlled with Azure RBAC
// (no access policies); secrets are created out of band, never in this template.

@description('Azure region for the vault.')
param location string

@description('Tags for the resources of this module.')
param tags object = {}

@description('Globally unique vault name (3-24 characters, starts with a letter).')
@minLength(3)
@maxLength(24)
param keyVaultName string

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

@description('Name of the vault.')
output name string = keyVault.name

@description('Vault URI, e.g. https://<vault>.vault.azure.net/')
output uri string = keyVault.properties.vaultUri
