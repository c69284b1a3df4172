#!/usr/bin/env bash
# Compares our NTT with Plonky3's p3-dft on 2^20 x 1 and 2^20 x 64 (forward, 1 thread and all
# threads). Plonky3 selects its SIMD at compile time, so this builds with target-cpu=native in a
# separate, measurement-only target directory; the shipped build never uses these flags.
# Extra arguments are passed to criterion (e.g. a filter: `1-thread`).
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTFLAGS="-C target-cpu=native"
exec cargo bench -j "${JOBS:-1}" -p multisig-benches --bench ntt_vs_p3 \
    --target-dir target/native-measure -- "$@"
