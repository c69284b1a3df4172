#!/usr/bin/env bash
# The C ABI profile matrix: builds libmultisig_glue.a under the profiles a client may use and
# tests each build from the outside, as the Zig client links it.
#
#   builds (each in its own target/glue-matrix/<name>):
#     opt-z-cgu1-panic-abort            opt-level z, codegen-units 1, panic=abort (upstream's crash)
#     opt-3-cgu16                       opt-level 3, codegen-units 16 (cargo's release default)
#     opt-3-cgu1-lto-thin-x86-64-v3     the client's build today: thin LTO, codegen-units 1,
#                                       RUSTFLAGS=-Ctarget-cpu=x86-64-v3
#     wrapper-jemalloc-...              the client's link today: crates/glue_wrapper, our glue as
#                                       an rlib in a wrapper staticlib (libzeam_glue.a) that
#                                       installs jemalloc as the global allocator, same profile
#   per build: every ABI function of the header is a defined symbol of the .a; the C test
#   (crates/glue/tests/c) under every MULTISIG_ISA this CPU supports (missing ones are reported
#   loudly) and under an invalid MULTISIG_ISA; the Zig test (crates/glue/tests/zig, Zig from
#   PyPI, pip --target under target/glue-matrix); the library size. Key generation runs once per
#   build (best ISA) and must give the same key in every build, in C and in Zig; the other ISA
#   runs load that key with hashsig_keypair_from_ssz and must produce the same signature.
#   Then `cargo xtask isa-audit --artifact staticlib` disassembles the two builds without
#   target-cpu flags (skipped with SKIP_AUDIT=1).
#
# Usage: scripts/glue-matrix.sh        (CARGO_BUILD_JOBS=1 nice -n 19 ... on a shared machine)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

out=target/glue-matrix
vectors=../shared/vectors
zig_version=0.16.0
start=$(date +%s)
summary=()
skipped=()

step() { printf '\n==== glue-matrix: %s ====\n' "$*"; }
loud() {
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  printf '!!! SKIPPED: %s\n' "$*"
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  skipped+=("$*")
}

[[ -f $vectors/xmss_prod_test_vector.json && -f $vectors/xmss_test_vector.json ]] || {
  echo "glue-matrix: missing $vectors/xmss_{prod_,}test_vector.json (shared/ must sit beside the repository)" >&2
  exit 1
}
# The matrix sets its own flags; inherited ones would change every build (and the audit's).
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS
mkdir -p "$out"

step "Zig $zig_version (PyPI, installed under $out/zig-py)"
# The ziglang wheel is installed into a private directory with `pip --target`, which needs
# only python3 and pip (no venv module); Debian's python3-pip is installed if pip is missing.
zigpy=$out/zig-py
if [[ "$(PYTHONPATH=$zigpy python3 -m ziglang version 2>/dev/null || true)" != "$zig_version" ]]; then
  if ! python3 -m pip --version >/dev/null 2>&1; then
    echo "pip is missing: installing Debian's python3-pip"
    sudo_=(); [[ $(id -u) -eq 0 ]] || sudo_=(sudo)
    "${sudo_[@]}" apt-get update -q
    "${sudo_[@]}" apt-get install -y -q python3-pip
  fi
  rm -rf "$zigpy"
  python3 -m pip install --quiet --disable-pip-version-check --target "$zigpy" "ziglang==$zig_version"
fi
zig() { PYTHONPATH="$root/$zigpy" python3 -m ziglang "$@"; }
export ZIG_GLOBAL_CACHE_DIR=$root/$out/zig-cache ZIG_LOCAL_CACHE_DIR=$root/$out/zig-cache
echo "zig $(zig version)"

# Function names declared in our header, to check against the archive's symbols.
header_fns=$(grep -oE '\b(hashsig|xmss|multisig_glue)_[a-z0-9_]+\(' crates/glue/include/multisig_glue.h | tr -d '(' | sort -u)

keys=$out/keys
rm -rf "$keys"
mkdir -p "$keys"
first_build=1

# run_build NAME OPT CGU PANIC LTO RUSTFLAGS [PACKAGE LIBNAME]
run_build() {
  local name=$1 opt=$2 cgu=$3 panic=$4 lto=$5 flags=$6 pkg=${7:-multisig-glue} libname=${8:-multisig_glue}
  local dir=$out/$name t0 t1 t2 lib bin env_args=()
  step "$name: build (opt-level=$opt codegen-units=$cgu panic=$panic lto=$lto RUSTFLAGS=${flags:-none})"
  env_args=(CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" CARGO_PROFILE_RELEASE_CODEGEN_UNITS="$cgu"
            CARGO_PROFILE_RELEASE_DEBUG=false)
  [[ $panic != default ]] && env_args+=(CARGO_PROFILE_RELEASE_PANIC="$panic")
  [[ $lto != default ]] && env_args+=(CARGO_PROFILE_RELEASE_LTO="$lto")
  [[ -n $flags ]] && env_args+=(RUSTFLAGS="$flags")
  t0=$(date +%s)
  env "${env_args[@]}" cargo build --quiet -p "$pkg" --release --target-dir "$dir"
  t1=$(date +%s)
  lib=$dir/release/lib$libname.a
  echo "built $lib ($(stat -c %s "$lib") bytes) in $((t1 - t0)) s"

  local missing_syms=()
  local defined
  # readelf, not nm: with LTO the members also carry LLVM bitcode, which binutils' nm hands
  # to its (older) LLVM plugin and then lists no symbols at all.
  defined=$(readelf -Ws "$lib" 2>/dev/null | awk '$4 == "FUNC" && $5 == "GLOBAL" && $7 != "UND" {print $8}' | sort -u)
  for f in $header_fns; do
    grep -qx "$f" <<<"$defined" || missing_syms+=("$f")
  done
  if ((${#missing_syms[@]})); then
    echo "glue-matrix: $name: header functions not defined in the archive: ${missing_syms[*]}" >&2
    exit 1
  fi
  echo "all $(wc -w <<<"$header_fns") header functions are defined in the archive"
  if [[ $pkg == glue-wrapper ]]; then
    # jemalloc (its symbols prefixed _rjem_ by tikv-jemalloc-sys) is in the archive.
    grep -q '^_rjem_malloc$' <<<"$defined" || {
      echo "glue-matrix: $name: jemalloc's _rjem_malloc is not defined in the archive" >&2
      exit 1
    }
    echo "jemalloc is linked in (_rjem_malloc defined)"
  fi

  bin=$dir/glue_test
  gcc -std=c11 -O1 -Wall -Wextra -Werror -I crates/glue/include crates/glue/tests/c/glue_test.c \
    "$lib" -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o "$bin"

  step "$name: C test with an invalid MULTISIG_ISA"
  MULTISIG_ISA=bogus "$bin" --bad-isa "$vectors"

  local keygen=1 isa ran=()
  for isa in avx512 avx2 scalar; do
    if ! MULTISIG_ISA=$isa "$bin" --probe; then
      loud "$name: this CPU has no $isa; the C test did NOT run with MULTISIG_ISA=$isa"
      continue
    fi
    step "$name: C test, MULTISIG_ISA=$isa$( ((keygen)) && echo ', key generation')"
    if ((keygen)); then
      if ((first_build)); then
        GLUE_TEST_KEY_DIR=$keys GLUE_TEST_KEYGEN=1 GLUE_TEST_ADVANCE=1 MULTISIG_ISA=$isa "$bin" "$vectors"
      else
        GLUE_TEST_KEY_DIR=$keys GLUE_TEST_KEYGEN=1 MULTISIG_ISA=$isa "$bin" "$vectors"
      fi
      keygen=0
    else
      GLUE_TEST_KEY_DIR=$keys MULTISIG_ISA=$isa "$bin" "$vectors"
    fi
    ran+=("$isa")
  done

  step "$name: Zig test (zig $zig_version test ... -lc -lunwind, MULTISIG_ISA unset: auto)"
  local zdir=$dir/zig
  rm -rf "$zdir"
  mkdir -p "$zdir"
  cp crates/glue/tests/zig/glue_test.zig "$zdir/"
  python3 crates/glue/tests/zig/gen_vectors.py "$vectors" "$keys/pk.ssz" >"$zdir/vectors.zig"
  (cd "$zdir" && env -u MULTISIG_ISA PYTHONPATH="$root/$zigpy" python3 -m ziglang test glue_test.zig "$root/$lib" -lc -lunwind 2>&1)
  t2=$(date +%s)
  summary+=("$(printf '%-34s build %4d s  tests %4d s  %10d bytes  C: bad-isa %s; Zig: auto' \
    "$name" $((t1 - t0)) $((t2 - t1)) "$(stat -c %s "$lib")" "${ran[*]}")")
  first_build=0
}

run_build opt-z-cgu1-panic-abort z 1 abort default ""
run_build opt-3-cgu16 3 16 default default ""
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
  run_build opt-3-cgu1-lto-thin-x86-64-v3 3 1 default thin "-Ctarget-cpu=x86-64-v3"
  client_flags="-Ctarget-cpu=x86-64-v3"
else
  loud "this CPU is not x86-64-v3: the RUSTFLAGS=-Ctarget-cpu=x86-64-v3 build was NOT tested"
  client_flags=""
fi
step "glue-wrapper: clippy (the wrapper crate is not a default workspace member)"
cargo clippy --quiet -p glue-wrapper --target-dir "$out/wrapper-clippy" -- -D warnings
run_build "wrapper-jemalloc-lto-thin-cgu1${client_flags:+-x86-64-v3}" 3 1 default thin "$client_flags" \
  glue-wrapper zeam_glue

if [[ -z "${SKIP_AUDIT:-}" ]]; then
  step "isa-audit of the two builds without target-cpu flags (cargo rebuilds nothing)"
  ta=$(date +%s)
  cargo xtask isa-audit --artifact staticlib --opt-level z --codegen-units 1 --panic abort --target-root "$out"
  cargo xtask isa-audit --artifact staticlib --opt-level 3 --codegen-units 16 --target-root "$out"
  summary+=("isa-audit (z/abort and 3): $(( $(date +%s) - ta )) s")
else
  loud "SKIP_AUDIT is set: the staticlib isa-audit did NOT run"
fi

step "summary ($(( $(date +%s) - start )) s)"
printf '%s\n' "${summary[@]}"
if ((${#skipped[@]})); then
  printf 'WARNING: %s\n' "${skipped[@]}"
fi
