#!/bin/sh
# azd postdeploy hook: subscribes the offline-packet blob trigger (ProcessOfflinePacket, Event Grid source) to
# BlobCreated events of the `packets` container. The webhook URL carries the Functions host's blobs_extension system
# key, which exists only after the code is deployed; that is why Bicep creates the system topic and this creates the
# subscription. Idempotent: `create` updates an existing subscription of the same name. Needs az.
set -eu
: "${AZURE_FUNCTION_APP_NAME:?run through azd (azd up / azd deploy)}"
: "${AZURE_RESOURCE_GROUP:?run through azd}"
: "${AZURE_EVENTGRID_SYSTEM_TOPIC_NAME:?run through azd}"
function_name=ProcessOfflinePacket
key=""
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
  key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
        --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)
  [ -n "$key" ] && break
  echo "Waiting for the app's blobs_extension key (the host creates it when the blob extension first loads)..."
  sleep 10
done
if [ -z "$key" ]; then
  echo "No blobs_extension system key on $AZURE_FUNCTION_APP_NAME; open the app once (e.g. GET /api/v1/openapi.json) and run 'azd hooks run postdeploy'." >&2
  exit 1
fi
host=$(az functionapp show -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" --query defaultHostName -o tsv)
endpoint="https://$host/runtime/webhooks/blobs?functionName=Host.Functions.$function_name&code=$key"
az eventgrid system-topic event-subscription create \
  --name packets-to-functions \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with /blobServices/default/containers/packets/ \
  -o none
echo "Event Grid subscription packets-to-functions -> $function_name on $host."
