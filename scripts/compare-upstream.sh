#!/usr/bin/env bash
# Side-by-side aggregation benchmark against upstream leanMultisig, in one run on one machine.
#
# Usage: scripts/compare-upstream.sh UPSTREAM_CHECKOUT [--no-build] [--reps K] [N:R ...]
#
# UPSTREAM_CHECKOUT is a clone of leanMultisig (for example main 5cf504a5) OUTSIDE this
# repository; it is built there with its own configuration (`cargo build --release`, which
# targets the native CPU) unless --no-build. Ours is the portable release build of `multisig`.
# Each N:R pair (default 8:2 16:2 1000:1 1000:2; R is log_inv_rate) runs K times (default 2),
# upstream and ours interleaved, prod XMSS at each side's default security:
#   upstream: lean-multisig xmss --n-signatures N --log-inv-rate R --json
#   ours:     multisig bench --config prod --signatures N --log-inv-rate R --json
# and prints one markdown table (times are the min and max over the runs) with the CPU model.
# Never part of the tests or CI: it builds upstream and runs for minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -ge 1 ]] || { sed -n '2,14p' "$0" >&2; exit 2; }
upstream=$(cd "$1" && pwd); shift
build=1 reps=2 pairs=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-build) build=0 ;;
    --reps) reps=$2; shift ;;
    *:*) pairs+=("$1") ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ ${#pairs[@]} -gt 0 ]] || pairs=(8:2 16:2 1000:1 1000:2)
case $upstream in "$PWD"|"$PWD"/*) echo "the upstream checkout must be outside this repository" >&2; exit 2 ;; esac

if ((build)); then
  (cd "$upstream" && cargo build --release) >&2
fi
cargo build --release -p multisig >&2
up_bin=$upstream/target/release/lean-multisig
ours_bin=$PWD/target/release/multisig
out=$(mktemp -d)
echo "raw outputs in $out" >&2

for pair in "${pairs[@]}"; do
  n=${pair%%:*} r=${pair##*:}
  for ((k = 0; k < reps; k++)); do
    echo "N=$n R=$r run $k: upstream" >&2
    "$up_bin" xmss --n-signatures "$n" --log-inv-rate "$r" --json 2>/dev/null | tail -1 >>"$out/up-$n-$r.jsonl"
    echo "N=$n R=$r run $k: ours" >&2
    "$ours_bin" bench --config prod --signatures "$n" --log-inv-rate "$r" --json >>"$out/ours-$n-$r.jsonl"
  done
done

python3 - "$out" "${pairs[@]}" <<'EOF'
import json, sys, platform
out, pairs = sys.argv[1], sys.argv[2:]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
print(f"CPU: {cpu}; upstream native build vs our portable build; prod XMSS; each side's default security.\n")
print("| N | rate | upstream prove | ours prove | prove ratio (up / ours) | upstream proof | ours proof | size ratio (ours / up) | ours verify | ours peak RSS |")
print("|---|---|---|---|---|---|---|---|---|---|")
def rng(xs, unit, scale=1.0):
    lo, hi = min(xs) * scale, max(xs) * scale
    return f"{lo:.0f} {unit}" if abs(hi - lo) < 0.5 else f"{lo:.0f}-{hi:.0f} {unit}"
for p in pairs:
    n, r = p.split(':')
    up = [json.loads(l)['nodes'][0]['stats'] for l in open(f"{out}/up-{n}-{r}.jsonl") if l.strip()]
    ours = [json.loads(l) for l in open(f"{out}/ours-{n}-{r}.jsonl") if l.strip()]
    up_ms = [s['time_secs'] * 1e3 for s in up]
    ours_ms = [o['prove_ms'] for o in ours]
    up_kib = up[0]['proof_kib']
    ours_kib = ours[0]['proof_bytes'] / 1024
    print(f"| {n} | 1/{2**int(r)} | {rng(up_ms, 'ms')} | {rng(ours_ms, 'ms')} | {min(up_ms)/min(ours_ms):.2f}x | {up_kib} KiB | {ours_kib:.0f} KiB | {ours_kib/up_kib:.2f}x | {min(o['verify_ms'] for o in ours):.1f} ms | {max(o['peak_rss_bytes'] for o in ours)/2**20:.0f} MiB |")
EOF
