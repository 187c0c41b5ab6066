#!/usr/bin/env bash
# Smoke test of a deployment: submits one signed application through a registered kiosk and follows its status until
# the workflow waits for a person or partner (AwaitingApproval unless Workflow__AutoApprove is on) or ends.
#
#   scripts/smoke-azure.sh https://<function-app>.azurewebsites.net      (azd: "$(azd env get-value SERVICE_API_URI)")
#
# Credentials, from the environment or, where only a secret name is given, from Key Vault ($AZURE_KEY_VAULT_NAME, read
# with `az keyvault secret show`, so the caller needs Key Vault Secrets User or Officer on the vault):
#   KIOSK_ID                       a registered kiosk (see infra/README.md, "Smoke test")
#   KIOSK_SECRET | KIOSK_SECRET_NAME         its base64 secret, or the name of the secret holding it
#   STATUS_BEARER_TOKEN            an operator's or supervisor's access token, to read the status (people have no
#                                  API keys; e.g. az account get-access-token --resource api://citizenworkflows)
#   STATUS_API_KEY | STATUS_API_KEY_SECRET_NAME  instead of the token: the kiosk's own API key
#   KIOSK_PROVINCE (default 001)   the kiosk's province: a fixed kiosk takes residents of its province only
#   SMOKE_TIMEOUT (default 300)    seconds to wait for the workflow
# Needs bash, curl, openssl and python3 (to read the JSON answers). Exit 0: accepted and progressing; 1 otherwise.
# The request is signed as clients/CitizenWorkflows.KioskClient/README.md describes (HMAC-SHA256, X-Kiosk-* headers).
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: scripts/smoke-azure.sh <function app URL>}
base=${base%/}
province=${KIOSK_PROVINCE:-001}
timeout=${SMOKE_TIMEOUT:-300}

secret_from_vault() {
  : "${AZURE_KEY_VAULT_NAME:?set AZURE_KEY_VAULT_NAME (azd env get-value AZURE_KEY_VAULT_NAME) to read secret $1}"
  az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name "$1" --query value -o tsv
}
kiosk_id=${KIOSK_ID:?set KIOSK_ID to a registered kiosk}
kiosk_secret=${KIOSK_SECRET:-}
[ -n "$kiosk_secret" ] || kiosk_secret=$(secret_from_vault "${KIOSK_SECRET_NAME:?set KIOSK_SECRET or KIOSK_SECRET_NAME}")
if [ -n "${STATUS_BEARER_TOKEN:-}" ]; then
  status_auth="Authorization: Bearer $STATUS_BEARER_TOKEN"
else
  status_key=${STATUS_API_KEY:-}
  [ -n "$status_key" ] || status_key=$(secret_from_vault "${STATUS_API_KEY_SECRET_NAME:?set STATUS_BEARER_TOKEN, STATUS_API_KEY or STATUS_API_KEY_SECRET_NAME}")
  status_auth="X-Api-Key: $status_key"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A synthetic first-time applicant, resident in the kiosk's province; a random birth date keeps repeated smoke runs from
# looking like one person (the demographic duplicate search keys on name, birth date and birth province).
names=(An Bình Châu Dũng Giang Hà Hải Hạnh Hoa Hùng Khánh Lan Linh Mai Nam Phương Quân Sơn Thảo Trang Tuấn Vy)
given=${names[$((RANDOM % ${#names[@]}))]}
birth=$(printf '%04d-%02d-%02d' $((1960 + RANDOM % 45)) $((1 + RANDOM % 12)) $((1 + RANDOM % 28)))
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$work/application.json" <<JSON
{"type":"new","applicant":{"fullName":"Kiểm Thử $given","dateOfBirth":"$birth","sex":"female","birthProvinceCode":"$province","ethnicity":"Kinh","nationality":"Việt Nam","permanentResidence":{"provinceCode":"$province","address":"1 Smoke Test Street"},"currentResidence":{"provinceCode":"$province","address":"1 Smoke Test Street"}},"capture":{"location":"smoke-azure.sh","portraitCapturedAt":"$now"},"delivery":"station"}
JSON

# multipart/form-data: the application and a real photograph that passes the portrait checks (the demo's sample).
boundary="cw-smoke-$(openssl rand -hex 12)"
{
  printf -- '--%s\r\nContent-Disposition: form-data; name="application"\r\nContent-Type: application/json\r\n\r\n' "$boundary"
  cat "$work/application.json"
  printf '\r\n--%s\r\nContent-Disposition: form-data; name="portrait"; filename="portrait.jpg"\r\nContent-Type: image/jpeg\r\n\r\n' "$boundary"
  cat tools/CitizenWorkflows.TestData/sample-portrait.jpg
  printf '\r\n--%s--\r\n' "$boundary"
} > "$work/body"

# The signature: HMAC-SHA256 (key: the secret's bytes) over METHOD, path as sent, timestamp, nonce and the body's SHA-256.
path="$(printf '%s' "$base" | sed -E 's#^[A-Za-z]+://[^/]+##')/api/v1/applications"
timestamp=$(date -u +%s)
nonce=$(openssl rand -hex 16)
digest=$(openssl dgst -sha256 -r "$work/body" | cut -d' ' -f1)
keyhex=$(printf '%s' "$kiosk_secret" | base64 -d | od -An -v -tx1 | tr -d ' \n')
signature=$(printf 'POST\n%s\n%s\n%s\n%s' "$path" "$timestamp" "$nonce" "$digest" \
  | openssl dgst -sha256 -mac HMAC -macopt hexkey:"$keyhex" -binary | base64)

code=$(curl -sS -o "$work/accepted.json" -w '%{http_code}' -X POST "$base/api/v1/applications" \
  -H "Content-Type: multipart/form-data; boundary=$boundary" \
  -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid 2>/dev/null || openssl rand -hex 16)" \
  -H "X-Kiosk-Id: $kiosk_id" -H "X-Kiosk-Timestamp: $timestamp" -H "X-Kiosk-Nonce: $nonce" -H "X-Kiosk-Signature: $signature" \
  --data-binary @"$work/body")
if [ "$code" != 202 ]; then
  echo "submission refused: HTTP $code" >&2
  cat "$work/accepted.json" >&2; echo >&2
  exit 1
fi

json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d.get(sys.argv[2]); print(",".join(v) if isinstance(v,list) else ("" if v is None else v))' "$@"; }
id=$(json "$work/accepted.json" applicationId)
echo "accepted: application $id (stage $(json "$work/accepted.json" stage)), following $base/api/v1/applications/$id"

deadline=$((SECONDS + timeout))
stage=""
while [ "$SECONDS" -lt "$deadline" ]; do
  code=$(curl -sS -o "$work/status.json" -w '%{http_code}' "$base/api/v1/applications/$id" -H "$status_auth")
  if [ "$code" = 200 ]; then
    now_stage=$(json "$work/status.json" stage)
    waiting=$(json "$work/status.json" waitingFor)
    [ "$now_stage" = "$stage" ] || echo "  $(date -u +%H:%M:%S) $now_stage${waiting:+ (waiting for $waiting)}"
    stage=$now_stage
    case "$stage" in
      Failed|Rejected|Cancelled)
        echo "application $id ended $stage: $(json "$work/status.json" failure)" >&2
        python3 -c 'import json,sys; [print("   ", t["stage"], t.get("detail") or "", file=sys.stderr) for t in json.load(open(sys.argv[1]))["timeline"]]' "$work/status.json"
        exit 1 ;;
    esac
    if [ -n "$waiting" ] || [ "$stage" = Delivered ]; then
      echo "ok: application $id is $stage${waiting:+, waiting for $waiting}"
      exit 0
    fi
  elif [ "$code" != 404 ]; then
    # 404 only until the first transition is projected; anything else is an answer to show.
    echo "status refused: HTTP $code" >&2
    cat "$work/status.json" >&2; echo >&2
    exit 1
  fi
  sleep 2
done
echo "application $id still ${stage:-unprojected} after ${timeout}s" >&2
exit 1
