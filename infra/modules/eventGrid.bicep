// Event Grid system topic on the storage account: the source of the offline-packet blob trigger (BlobCreated in
// `packets`). The subscription to the Functions blobs_extension webhook is created after the code is deployed
// (scripts/azd-postdeploy.sh), because its URL carries a system key that exists only once the extension has loaded.

@description('Azure region (the storage account\'s).')
param location string

@description('Tags for the topic.')
param tags object = {}

@description('Name of the system topic.')
param systemTopicName string

@description('Name of the existing storage account that publishes the events.')
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

@description('Name of the system topic.')
output name string = topic.name
