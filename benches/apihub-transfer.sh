#!/usr/bin/env bash
# Whole-process timing of `export --apihub` and `import --apihub` on 100,000
# secrets across 100 APIHub containers (50 apps x 1,000 SSO users, 50 DID
# secret names x 1,000 DIDs, 40-byte values).
#
#   benches/apihub-transfer.sh              # 3 runs each, medians
#   RUNS=5 benches/apihub-transfer.sh
#   N=10000 benches/apihub-transfer.sh      # secrets in all (a multiple of 100)
#
# Needs bash and python3 (to write the JSON Lines input); CI does not run it.
# Every timed command is a fresh process on a vault with the default KDF
# (Argon2id, 64 MiB, 3 passes), so each time includes one key derivation.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
N=${N:-100000}
PER=$((N / 100))

cargo build --release --locked -q
BIN=$PWD/target/release/sso-secrets
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY
export SSO_SECRETS_ENCRYPTION_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
printf 'bench passphrase\n' >"$WORK/pass"

python3 - "$PER" "$WORK/in.jsonl" <<'PY'
import json, sys
per, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for c in range(50):
        for u in range(per):
            f.write(json.dumps({"kind": "sso", "app": f"app{c:02d}", "user_id": f"user{u:06d}@example.com",
                                "secret": f"sso-{c:02d}-{u:06d}-" + "x" * 26}) + "\n")
    for c in range(50):
        for u in range(per):
            f.write(json.dumps({"kind": "did", "did": f"did:ssi:name:bench.example:app/user{u:06d}",
                                "name": f"name{c:02d}", "secret": f"did-{c:02d}-{u:06d}-" + "x" * 26}) + "\n")
PY

vault() { # path: a new vault with the default KDF
  "$BIN" --vault "$1" --passphrase-file "$WORK/pass" init 2>/dev/null
}
seconds() { # command...: wall time in seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  t1=$(date +%s.%N)
  python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$t1"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

G=(--passphrase-file "$WORK/pass" --no-input)
vault "$WORK/src.vault"
"$BIN" --vault "$WORK/src.vault" "${G[@]}" import "$WORK/in.jsonl"

exports=() imports=() dry=() jsonl=()
for r in $(seq 1 "$RUNS"); do
  jsonl+=("$(seconds "$BIN" --vault "$WORK/src.vault" "${G[@]}" export)")
  exports+=("$(seconds "$BIN" --vault "$WORK/src.vault" "${G[@]}" export --apihub "$WORK/out$r")")
  vault "$WORK/dst$r.vault"
  imports+=("$(seconds "$BIN" --vault "$WORK/dst$r.vault" "${G[@]}" import --apihub "$WORK/out$r")")
  # The dry run opens the vault read-only and compares every secret (here
  # all 100,000 are unchanged); --prune adds a listing of the vault.
  dry+=("$(seconds "$BIN" --vault "$WORK/src.vault" "${G[@]}" import --dry-run --prune --apihub "$WORK/out$r")")
  got=$("$BIN" --vault "$WORK/dst$r.vault" "${G[@]}" --json vault info \
    | python3 -c 'import json,sys; i=json.load(sys.stdin); print(i["sso_secrets"] + i["did_secrets"])')
  [ "$got" = "$N" ] || { echo "run $r imported $got secrets, not $N" >&2; exit 1; }
  rm -rf "$WORK/dst$r.vault"
done
files=$(find "$WORK/out1" -name '*.secret' | wc -l)
size=$(du -sk "$WORK/out1" | cut -f1)

echo
echo "APIHub transfer benchmark: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d), $N secrets in $files containers ($size KiB), median of $RUNS runs"
echo "export --apihub (vault -> folder):        $(median "${exports[@]}") s"
echo "import --apihub (folder -> empty vault):  $(median "${imports[@]}") s"
echo "import --apihub --dry-run --prune:        $(median "${dry[@]}") s"
echo "for scale, export as JSON Lines:          $(median "${jsonl[@]}") s"
