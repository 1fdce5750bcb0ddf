#!/usr/bin/env bash
# Remote get latency (`get-sso --remote` against `sso-secrets serve` on
# loopback) next to the local token get on the same vault, whole process,
# as hyperfine measures it. The target: a remote get costs no more than 2x a
# local token get. Exits 1 when it does.
#
#   benches/remote.sh              # 1,000 SSO secrets in the vault
#   N=10000 RUNS=500 benches/remote.sh
#
# Installs hyperfine with apt when missing (CI does not run this).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RUNS=${RUNS:-300}

if ! command -v hyperfine >/dev/null; then
  echo "installing hyperfine with apt" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq hyperfine >/dev/null
fi

cargo build --release --locked -q
BIN=$PWD/target/release/sso-secrets
WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY SSO_SECRETS_REMOTE
unset HTTP_PROXY http_proxy HTTPS_PROXY https_proxy ALL_PROXY all_proxy

V=$WORK/vault
printf 'bench passphrase\n' >"$WORK/pass.txt"
"$BIN" --vault "$V" --passphrase-file "$WORK/pass.txt" init 2>/dev/null # default KDF
python3 - "$N" >"$WORK/plain.jsonl" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"kind": "sso", "app": "demo", "user_id": f"user{i:06d}",
                      "secret": f"value-{i:06d}-" + "x" * 27}))
PY
"$BIN" --vault "$V" --passphrase-file "$WORK/pass.txt" import "$WORK/plain.jsonl" 2>/dev/null
"$BIN" --vault "$V" --passphrase-file "$WORK/pass.txt" token create reader --app demo >"$WORK/token"

"$BIN" --vault "$V" serve --listen 127.0.0.1:0 2>"$WORK/serve.log" &
SERVER=$!
URL=
for _ in $(seq 100); do
  URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$WORK/serve.log" | head -1)
  [ -n "$URL" ] && break
  sleep 0.05
done
[ -n "$URL" ] || { echo "serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }

USER_ID=user$(printf '%06d' $((N / 2)))
LOCAL="$BIN --vault $V --token-file $WORK/token get-sso demo --user-id $USER_ID"
REMOTE="$BIN --remote $URL --token-file $WORK/token get-sso demo --user-id $USER_ID"
[ "$($LOCAL)" = "$($REMOTE)" ] || { echo "local and remote answers differ" >&2; exit 1; }

hyperfine -N --style basic --warmup 20 --runs "$RUNS" --export-json "$WORK/h.json" \
  -n "local token get" "$LOCAL" -n "remote get (serve on loopback)" "$REMOTE" >&2

python3 - "$WORK/h.json" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
local, remote = r[0]["median"] * 1000, r[1]["median"] * 1000
ratio = remote / local
print(f"vault of {sys.argv[2]} SSO secrets, medians over {len(r[0]['times'])} runs")
print(f"  local token get : {local:7.2f} ms")
print(f"  remote get      : {remote:7.2f} ms")
print(f"  ratio           : {ratio:7.2f}x (target: <= 2x)")
sys.exit(0 if ratio <= 2 else 1)
PY
