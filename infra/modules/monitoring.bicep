// Log Analytics workspace + workspace-based Application Insights.

@description('Azure region for the monitoring resources.')
param location string

@description('Tags for the resources of this module.')
param tags object = {}

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Days to keep logs in the workspace.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Ingestion only with a Microsoft Entra token: the connection string's key alone cannot send telemetry.
    DisableLocalAuth: true
  }
}

@description('Name of the Application Insights component.')
output name string = appInsights.name

@description('Application Insights connection string (contains only the ingestion key, which is not a secret).')
output connectionString string = appInsights.properties.ConnectionString
