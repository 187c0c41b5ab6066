// Applies the complete app settings collection to an existing Function App.
// Kept separate so it can be ordered after the role assignments.

@description('Name of the existing Function App.')
param functionAppName string

@description('App settings (name -> value). Must not contain secrets; use Key Vault references instead.')
param appSettings object

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  name: 'appsettings'
  parent: functionApp
  properties: appSettings
}
