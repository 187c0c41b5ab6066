#!/bin/sh
# azd postprovision hook: creates the card-signing key (ECDSA P-256, PKCS#8 PEM) in the environment's Key Vault once.
# The app reads it as CardSigning__PrivateKeyPem (a Key Vault reference, infra/app.bicep). An existing key is never
# replaced: cards already issued are verified with it. The deployer holds Key Vault Secrets Officer on the vault
# (infra/modules/roleAssignments.bicep, from AZURE_PRINCIPAL_ID). Needs az and openssl.
set -eu
: "${AZURE_KEY_VAULT_NAME:?run through azd (azd up / azd provision): AZURE_KEY_VAULT_NAME is an output of infra/main.bicep}"
secret=card-signing-key
if az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name "$secret" --query id -o tsv >/dev/null 2>&1; then
  echo "Card-signing key '$secret' already in $AZURE_KEY_VAULT_NAME; kept."
  exit 0
fi
pem=$(mktemp)
trap 'rm -f "$pem"' EXIT
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pem"
az keyvault secret set --vault-name "$AZURE_KEY_VAULT_NAME" --name "$secret" --file "$pem" --content-type application/x-pem-file -o none
echo "Card-signing key '$secret' created in $AZURE_KEY_VAULT_NAME."
