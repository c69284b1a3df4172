#!/usr/bin/env bash
# The whole test suite: formatting, lints, the tests under every instruction set this CPU has,
# and the ISA audit. Instruction sets the CPU lacks are reported loudly and skipped; the script
# never passes silently on a path it did not run.
#
# Usage: scripts/test.sh            (everything)
#        SKIP_AUDIT=1 scripts/test.sh   (no release builds for the ISA audit)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s ====\n' "$*"; }
start=$(date +%s)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
# The test targets turn on the crates' test-only `forgery` feature; lint the libraries and
# binaries as they ship too.
step "cargo clippy (libraries and binaries without test features)"
cargo clippy --workspace -- -D warnings

step "build the test binaries once"
cargo test --workspace --no-run

step "detect instruction sets"
info=$(cargo run --quiet -p multisig -- info --json)
echo "$info"
available=$(printf '%s' "$info" | grep -o '"available_isas":\[[^]]*\]' | tr -d '"[]' | cut -d: -f2 | tr ',' ' ')
[[ -n "$available" ]] || { echo "could not read available_isas from: $info" >&2; exit 1; }
echo "available instruction sets: $available"

missing=()
for isa in scalar avx2 avx512; do
  if [[ " $available " == *" $isa "* ]]; then
    step "cargo test with MULTISIG_ISA=$isa"
    MULTISIG_ISA=$isa cargo test --workspace
  else
    missing+=("$isa")
    printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!!! SKIPPED: this CPU has no %s; its kernels were NOT tested here.\n' "$isa"
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  fi
done

step "release-only tests (prod XMSS key generation is too slow unoptimised)"
cargo test --release -p xmss -- --ignored

step "glue: libmultisig_glue.a profile matrix (C and Zig tests per build and ISA, staticlib audit)"
scripts/glue-matrix.sh

if [[ -z "${SKIP_AUDIT:-}" && -f xtask/src/audit.rs ]]; then
  step "ISA audit (opt-level z and 3) and its planted-violation self-test"
  cargo xtask isa-audit
  cargo xtask isa-audit --self-test
fi

step "done in $(( $(date +%s) - start )) s"
if ((${#missing[@]})); then
  echo "WARNING: not tested on this CPU: ${missing[*]}"
fi
