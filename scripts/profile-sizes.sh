#!/usr/bin/env bash
# Speed and size of the shipped artefacts under opt-level 3, "s" and "z" (issue 8).
#
# Builds, per profile, the command-line tool (`-p multisig`, binary `multisig`) and the C-ABI
# staticlib (`-p multisig-glue`, `libmultisig_glue.a`) with codegen-units 1, LTO off and
# panic = "abort", each profile in its own target directory (target/profile-<name>), then:
#   * sizes: the stripped `multisig` binary and its `.text` (machine code), a C program linked
#     against `libmultisig_glue.a` the way the client links it (crates/glue/tests/c/glue_test.c),
#     stripped, and its `.text`: what an executable pays; and the archive as built and with its
#     debug sections stripped (`strip -g`, still linkable);
#   * aggregation: `multisig bench --config prod --signatures N --log-inv-rate 2 --json` for
#     N = 64 and N = 1000, the profiles interleaved (rep 1 of every profile, then rep 2, ...),
#     median prove / verify time per profile; the proof bytes (`--proof-out`) must be identical
#     across all profiles (the script fails otherwise);
#   * kernels: a short criterion run of the key kernels (base-field mul/add, extension
#     products, NTT, batched Poseidon) on the best instruction set, one thread.
# and prints one markdown report (also written to target/profile-sizes/report.md).
#
# Profiles (names for --profiles):
#   3      opt-level 3
#   s      opt-level "s"
#   z      opt-level "z"
#   z-hot  opt-level "z" with the prover's crates raised to 3 by per-package overrides
#          (`[profile.release.package.<crate>] opt-level = 3` for backend, lean_prover,
#          rec_aggregation), what README.md suggests to integrators who want "z"
#
# Usage: scripts/profile-sizes.sh [options]
#   --quick            skip N = 1000 (and run N = 64 twice instead of three times)
#   --profiles "LIST"  profiles to build and compare (default "3 s z z-hot"; the first one is
#                      the baseline of the ratio columns)
#   --reps N           repetitions of the N = 64 run (default 3; N = 1000 runs once per rep
#                      of --reps-1000, default 1)
#   --reps-1000 N      repetitions of the N = 1000 run
#   --no-kernels       skip the criterion kernel benchmarks
#   --no-build         reuse the existing builds in target/profile-<name>
#   --report-only      no builds or runs: measure the sizes again and rewrite the report from
#                      the runs and criterion results already in target/
#   --out FILE         also write the report here (default target/profile-sizes/report.md)
# Environment: JOBS (cargo -j, default 1), NICE (nice level of the builds, default 19),
#   RAYON_NUM_THREADS and MULTISIG_ISA are passed to the runs as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

profiles="3 s z z-hot"
quick=0
reps=3
reps_1000=1
kernels=1
build=1
report_only=0
out_dir=target/profile-sizes
report=$out_dir/report.md
hot_crates="backend lean_prover rec_aggregation"

while (($#)); do
  case $1 in
    --quick) quick=1; reps=2 ;;
    --profiles) profiles=$2; shift ;;
    --reps) reps=$2; shift ;;
    --reps-1000) reps_1000=$2; shift ;;
    --no-kernels) kernels=0 ;;
    --no-build) build=0 ;;
    --report-only) build=0; report_only=1 ;;
    --out) report=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile-sizes: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

jobs=${JOBS:-1}
nice_level=${NICE:-19}
# Inherited flags would change every build (the repo never sets target-cpu / target-feature).
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_TARGET_DIR
mkdir -p "$out_dir"
raw=$out_dir/raw
if ((report_only)); then
  [[ -f $raw/proofs.txt ]] || { echo "profile-sizes: --report-only needs an earlier run's $raw" >&2; exit 1; }
  rm -f "$raw/sizes.txt"
else
  rm -rf "$raw"
fi
mkdir -p "$raw"

step() { printf '\n==== profile-sizes: %s ====\n' "$*" >&2; }

opt_of() {
  case $1 in
    3) echo 3 ;;
    s) echo s ;;
    z | z-hot) echo z ;;
    *) echo "profile-sizes: unknown profile $1 (3, s, z, z-hot)" >&2; exit 2 ;;
  esac
}
# cargo_profile NAME SUBCOMMAND ARGS...: runs `cargo SUBCOMMAND ARGS` for profile NAME in
# target/profile-NAME (release for build, bench for bench: cargo's bench profile inherits
# release, and both are set here so that neither depends on the inheritance).
cargo_profile() {
  local name=$1 sub=$2 opt c
  shift 2
  opt=$(opt_of "$name")
  local cfg=() env_args=()
  for prof in RELEASE BENCH; do
    env_args+=(CARGO_PROFILE_${prof}_OPT_LEVEL="$opt" CARGO_PROFILE_${prof}_CODEGEN_UNITS=1
               CARGO_PROFILE_${prof}_LTO=false CARGO_PROFILE_${prof}_DEBUG=false)
  done
  # panic = "abort" for the shipped artefacts; cargo ignores it for benchmarks.
  env_args+=(CARGO_PROFILE_RELEASE_PANIC=abort)
  if [[ $name == z-hot ]]; then
    for c in $hot_crates; do
      cfg+=(--config "profile.release.package.$c.opt-level=3" --config "profile.bench.package.$c.opt-level=3")
    done
  fi
  local mode=()
  [[ $sub == build ]] && mode=(--release)
  # Absolute paths: criterion (run from the benches/ directory) reads CRITERION_HOME.
  env "${env_args[@]}" CARGO_TARGET_DIR="$root/target/profile-$name" \
    CRITERION_HOME="$root/target/profile-$name/criterion" \
    nice -n "$nice_level" cargo "${cfg[@]}" "$sub" "${mode[@]}" -j "$jobs" "$@"
}

for p in $profiles; do opt_of "$p" >/dev/null; done
baseline=${profiles%% *}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t_start=$(date +%s)

if ((build)); then
  for p in $profiles; do
    step "build $p"
    cargo_profile "$p" build -p multisig -p multisig-glue
  done
fi

# ---- sizes ----
step "sizes"
for p in $profiles; do
  dir=target/profile-$p/release
  [[ -x $dir/multisig && -f $dir/libmultisig_glue.a ]] || {
    echo "profile-sizes: $dir lacks multisig or libmultisig_glue.a (run without --no-build)" >&2
    exit 1
  }
  strip -o "$raw/multisig-$p" "$dir/multisig"
  strip -g -o "$raw/libmultisig_glue-$p.a" "$dir/libmultisig_glue.a"
  gcc -std=c11 -O1 -I crates/glue/include crates/glue/tests/c/glue_test.c "$dir/libmultisig_glue.a" \
    -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o "$raw/glue_test-$p"
  strip "$raw/glue_test-$p"
  text() { size -A "$1" | awk '$1 == ".text" {print $2}'; }
  printf '%s %s %s %s %s %s %s\n' "$p" "$(stat -c %s "$raw/multisig-$p")" \
    "$(text "$raw/multisig-$p")" "$(stat -c %s "$raw/glue_test-$p")" "$(text "$raw/glue_test-$p")" \
    "$(stat -c %s "$dir/libmultisig_glue.a")" "$(stat -c %s "$raw/libmultisig_glue-$p.a")" \
    >>"$raw/sizes.txt"
done

# ---- aggregation ----
isa=$(target/profile-"$baseline"/release/multisig info --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["isa"])')
sizes_n="64"
((quick)) || sizes_n="64 1000"
if ((report_only)); then
  sizes_n=$(for n in 64 1000; do [[ -f $raw/bench-$baseline-$n.jsonl ]] && echo "$n"; done | xargs)
  kernels=$(ls -d target/profile-"$baseline"/criterion >/dev/null 2>&1 && echo 1 || echo 0)
fi
for n in $sizes_n; do
  ((report_only)) && break
  r=$reps
  [[ $n == 1000 ]] && r=$reps_1000
  for ((i = 1; i <= r; i++)); do
    for p in $profiles; do
      step "multisig bench N=$n, profile $p, rep $i/$r"
      proof=$raw/proof-$p-$n.bin
      target/profile-"$p"/release/multisig bench --config prod --signatures "$n" --log-inv-rate 2 \
        --json --proof-out "$proof" | tee -a "$raw/bench-$p-$n.jsonl" >&2
    done
  done
  first=$(sha256sum "$raw/proof-$baseline-$n.bin" | cut -d' ' -f1)
  for p in $profiles; do
    h=$(sha256sum "$raw/proof-$p-$n.bin" | cut -d' ' -f1)
    if [[ $h != "$first" ]]; then
      echo "profile-sizes: N=$n: the proof of profile $p differs from profile $baseline's" >&2
      exit 1
    fi
    echo "$n $p $h" >>"$raw/proofs.txt"
  done
done

# ---- kernels ----
# Key kernels, best ISA, one thread; ids as the benches name them.
kernel_filter='^(kernels/2\^12/(mul|add)/|ext_(mul|dot_base|axpy_base)/[a-z0-9]+/4096$|ntt/forward/1-thread/[a-z0-9]+/2\^16x(1|64)$|ntt/lde-blowup2/1-thread/[a-z0-9]+/2\^16x64$|poseidon/poseidon(1_16|1_24|2_16|2_24)/batch/)'
if ((kernels && !report_only)); then
  for p in $profiles; do
    step "kernel benchmarks, profile $p (MULTISIG_ISA=$isa)"
    rm -rf "target/profile-$p/criterion"
    MULTISIG_ISA=$isa cargo_profile "$p" bench -p multisig-benches --bench kernels --bench ext \
      --bench ntt --bench poseidon -- "$kernel_filter" --warm-up-time 0.3 --measurement-time 1 \
      --noplot >&2
  done
fi

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
t_end=$(date +%s)
secs=$((t_end - t_start))
# The conditions of the measured run, kept for --report-only.
if ((report_only)); then
  IFS='|' read -r load_start load_end secs quick <"$raw/meta.txt"
else
  printf '%s|%s|%s|%s\n' "$load_start" "$load_end" "$secs" "$quick" >"$raw/meta.txt"
fi

# ---- report ----
python3 - "$raw" "$profiles" "$sizes_n" "$kernels" "$isa" "$load_start" "$load_end" \
  "$secs" "$quick" "$hot_crates" >"$report" <<'EOF'
import json, pathlib, statistics, subprocess, sys, platform

raw = pathlib.Path(sys.argv[1])
profiles = sys.argv[2].split()
sizes_n = sys.argv[3].split()
kernels = sys.argv[4] == "1"
isa, load_start, load_end, secs, quick, hot = sys.argv[5:11]
base = profiles[0]

def label(p):
    return {"3": "`3`", "s": "`s`", "z": "`z`", "z-hot": "`z`, hot crates at `3`"}[p]

def kib(b):
    return f"{int(b) / 1024:,.0f} KiB"

def ratio(x, b):
    return f"{x / b:.2f}x" if b else "n/a"

cpu = "unknown CPU"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
print(f"### Profile comparison ({subprocess.run(['date', '-u', '+%Y-%m-%d'], capture_output=True, text=True).stdout.strip()})")
print()
print(f"`scripts/profile-sizes.sh{' --quick' if quick == '1' else ''}`: {cpu}, "
      f"{subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} CPUs, {rustc}, "
      f"ISA {isa}; codegen-units 1, LTO off, `panic = \"abort\"`. Load average at start "
      f"{load_start}, at end {load_end}; {secs} s in all. \"hot crates\": {', '.join(hot.split())} "
      f"at opt-level 3 by per-package overrides, everything else at `z`.")
print()

print("Sizes: the stripped `multisig` binary and the C client (crates/glue/tests/c, linked "
      "against `libmultisig_glue.a`, stripped), each with its `.text` (machine code; the rest "
      "is mostly unwind tables, relocations and read-only data); the archive as built and "
      "`strip -g` (it bundles the standard library, always built at 3).")
print()
print("| profile | `multisig` | its `.text` | C client | its `.text` | `libmultisig_glue.a` | `.a`, `strip -g` |")
print("|---|---:|---:|---:|---:|---:|---:|")
sizes = {}
for line in (raw / "sizes.txt").read_text().split("\n"):
    if line.strip():
        p, *v = line.split()
        sizes[p] = [int(x) for x in v]
for p in profiles:
    print(f"| {label(p)} | " + " | ".join(kib(x) for x in sizes[p]) + " |")
print()

hashes = {}
for line in (raw / "proofs.txt").read_text().split("\n"):
    if line.strip():
        n, p, h = line.split()
        hashes[(n, p)] = h
print(f"`multisig bench --config prod --signatures N --log-inv-rate 2 --json`, median of the "
      f"interleaved runs; proof bytes identical across the profiles (sha256 shown).")
print()
print(f"| N | profile | runs | prove | prove / {label(base)} | verify | verify / {label(base)} | proof bytes | proof sha256 |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|")
for n in sizes_n:
    med = {}
    for p in profiles:
        rows = [json.loads(l) for l in (raw / f"bench-{p}-{n}.jsonl").read_text().split("\n") if l.strip()]
        med[p] = (statistics.median(r["prove_ms"] for r in rows),
                  statistics.median(r["verify_ms"] for r in rows), rows[0]["proof_bytes"], len(rows))
    for p in profiles:
        pm, vm, pb, k = med[p]
        print(f"| {n} | {label(p)} | {k} | {pm:.0f} ms | {ratio(pm, med[base][0])} | {vm:.1f} ms | "
              f"{ratio(vm, med[base][1])} | {pb:,} | `{hashes[(n, p)][:16]}` |")
print()

if kernels:
    def fmt(ns):
        for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
            if ns >= scale:
                return f"{ns / scale:.3g} {unit}"
        return f"{ns:.3g} ns"
    res = {}
    for p in profiles:
        root = pathlib.Path("target") / f"profile-{p}" / "criterion"
        for bench in root.rglob("new/benchmark.json"):
            meta = json.loads(bench.read_text())
            est = json.loads((bench.parent / "estimates.json").read_text())
            res.setdefault(meta["full_id"], {})[p] = est["median"]["point_estimate"]
    print(f"Kernels (criterion, median, {isa}, one thread; warm-up 0.3 s, measurement 1 s):")
    print()
    print("| kernel | " + " | ".join(label(p) for p in profiles) + " | " +
          " | ".join(f"{label(p)} / {label(base)}" for p in profiles[1:]) + " |")
    print("|---|" + "---:|" * (2 * len(profiles) - 1))
    for ident in sorted(res):
        v = res[ident]
        cells = [fmt(v[p]) if p in v else "n/a" for p in profiles]
        rat = [ratio(v[p], v[base]) if p in v and base in v else "n/a" for p in profiles[1:]]
        print(f"| {ident} | " + " | ".join(cells) + " | " + " | ".join(rat) + " |")
    print()
EOF
cat "$report"
step "report written to $report"
