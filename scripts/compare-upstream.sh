#!/usr/bin/env bash
# Side-by-side aggregation benchmark against upstream leanMultisig, in one run on one machine.
#
# Usage: scripts/compare-upstream.sh UPSTREAM_CHECKOUT [--no-build] [--reps K] [N:R ...]
#
# UPSTREAM_CHECKOUT is a clone of leanMultisig (for example main 5cf504a5) OUTSIDE this
# repository; it is built there with its own configuration (`cargo build --release`, which
# targets the native CPU) unless --no-build. Ours is the portable release build of `multisig`.
# Each N:R pair (default 8:2 16:2 1000:1 1000:2; R is log_inv_rate) runs K times (default 2),
# upstream and ours interleaved, prod XMSS at each side's default security, each timing a run
# that follows one untimed warm-up run of the same size in the same process:
#   upstream: lean-multisig xmss --n-signatures N --log-inv-rate R --json   (warms up itself)
#   ours:     multisig bench --warmup 1 --config prod --signatures N --log-inv-rate R --json
# Prints one markdown table (times are the min and max over the runs) with the CPU model.
# Never part of the tests or CI: it builds upstream and runs for minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -ge 1 ]] || { sed -n '2,15p' "$0" >&2; exit 2; }
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
    "$ours_bin" bench --warmup 1 --config prod --signatures "$n" --log-inv-rate "$r" --json >>"$out/ours-$n-$r.jsonl"
  done
done

python3 - "$out" "${pairs[@]}" <<'EOF'
import json, sys, platform
out, pairs = sys.argv[1], sys.argv[2:]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
print(f"CPU: {cpu}; upstream native build vs our portable build; prod XMSS; each side's default security; timed runs after a warm-up run.\n")
head = "| N | rate | upstream prove | upstream proof | ours prove | prove ratio (up / ours) | ours proof | size ratio (ours / up) | ours verify | ours peak RSS |"
print(head)
print("|" + "---|" * (head.count("|") - 1))
def rng(xs, unit, scale=1.0):
    lo, hi = min(xs) * scale, max(xs) * scale
    return f"{lo:.0f} {unit}" if abs(hi - lo) < 0.5 else f"{lo:.0f}-{hi:.0f} {unit}"
def cols(rows, up_ms, up_kib):
    ms = [o['prove_ms'] for o in rows]
    kib = rows[0]['proof_bytes'] / 1024
    return (f" {rng(ms, 'ms')} | {min(up_ms)/min(ms):.2f}x | {kib:.0f} KiB | {kib/up_kib:.2f}x |"
            f" {min(o['verify_ms'] for o in rows):.1f} ms | {max(o['peak_rss_bytes'] for o in rows)/2**20:.0f} MiB |")
for p in pairs:
    n, r = p.split(':')
    up = [json.loads(l)['nodes'][0]['stats'] for l in open(f"{out}/up-{n}-{r}.jsonl") if l.strip()]
    ours = [json.loads(l) for l in open(f"{out}/ours-{n}-{r}.jsonl") if l.strip()]
    up_ms = [s['time_secs'] * 1e3 for s in up]
    up_kib = up[0]['proof_kib']
    line = f"| {n} | 1/{2**int(r)} | {rng(up_ms, 'ms')} | {up_kib} KiB |" + cols(ours, up_ms, up_kib)
    print(line)
EOF
