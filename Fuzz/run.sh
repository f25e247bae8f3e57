#!/usr/bin/env bash
# Callgate's fuzzing (docs/fuzzing.md): builds every target of Fuzz/Targets with libFuzzer and
# AddressSanitizer, runs each over its seed corpus Fuzz/corpus/<target>/ (regression), then
# fuzzes each for FUZZ_SECONDS, at most FUZZ_JOBS targets at a time. Exits non-zero on any
# finding (naming the target, the reproducer and the crash text), and when a target did not
# build or did not run.
#
#   FUZZ_SECONDS  seconds of fuzzing per target (default 60; 0: regression only)
#   FUZZ_JOBS     targets fuzzed at once (default 2)
#   FUZZ_RSS_MB   memory limit of one target process, MiB (default 2048)
#   FUZZ_OUT      scratch folder for logs, new corpus entries and reproducers
#                 (default Fuzz/.build/fuzz-run; emptied first; never the repository's corpus)
#   FUZZ_TARGETS  space-separated subset of targets (default: all)
set -uo pipefail
# Fatal errors are reported by libFuzzer and ASan; the Swift runtime's own backtracer trips ASan.
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")"
FUZZ_DIR="$PWD"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
JOBS="${FUZZ_JOBS:-2}"
RSS_MB="${FUZZ_RSS_MB:-2048}"
OUT="${FUZZ_OUT:-$FUZZ_DIR/.build/fuzz-run}"
started=$(date +%s)
log() { echo "fuzz: $* (+$(( $(date +%s) - started )) s)"; }

# Every folder of Targets/ is a target; Package.swift builds the same list.
mapfile -t all_targets < <(find Targets -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
if [[ -n "${FUZZ_TARGETS:-}" ]]; then
  read -r -a targets <<< "$FUZZ_TARGETS"
else
  targets=("${all_targets[@]}")
fi
((${#targets[@]})) || { echo "fuzz: no targets in $FUZZ_DIR/Targets"; exit 1; }

# 1. Build. Coverage instrumentation and ASan for Callgate's modules as well as the targets;
#    lld, because gold fails on the sanitizer's debug info. No manifest cache: Package.swift lists
#    the folders of Targets/, and SwiftPM's cache, keyed by the manifest's text, would not see a
#    new folder.
build_flags=(-c release --manifest-cache none -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
rm -rf "$OUT"
mkdir -p "$OUT"
log "building every target of Targets/ (${#all_targets[@]})"
if ! swift build --package-path "$FUZZ_DIR" "${build_flags[@]}" > "$OUT/build.log" 2>&1; then
  grep -E "error:" "$OUT/build.log" | head -40
  echo "fuzz: FAILED: the targets did not build (log: $OUT/build.log)"
  exit 1
fi
grep -E "warning: " "$OUT/build.log" | grep -v "__asan_extra_spill_area" | head -20
bin="$(swift build --package-path "$FUZZ_DIR" "${build_flags[@]}" --show-bin-path)"
failed=()
for target in "${targets[@]}"; do
  [[ -d "Targets/$target" ]] || { echo "fuzz: $target: no such target"; failed+=("$target (unknown)"); continue; }
  [[ -x "$bin/$target" ]] || { echo "fuzz: $target: did not build"; failed+=("$target (build)"); }
done
((${#failed[@]} == 0)) || { echo "fuzz: FAILED: ${failed[*]}"; exit 1; }

# The target's libFuzzer options: a `// fuzz-options:` line in its source (e.g. -max_len=4096).
options_of() { sed -n 's|^// fuzz-options:||p' "Targets/$1"/*.swift | head -1; }

# One target: the corpus first (every seed once), then FUZZ_SECONDS of fuzzing that writes new
# inputs to the scratch corpus only. The log ends with "status <exit code> <phase>".
run_target() {
  local target="$1" dir="$OUT/$1"
  mkdir -p "$dir/corpus"
  local dict=() seeds="$FUZZ_DIR/corpus/$target"
  [[ -f "$FUZZ_DIR/dictionaries/$target.dict" ]] && dict=(-dict="$FUZZ_DIR/dictionaries/$target.dict")
  [[ -d "$seeds" ]] || { echo "no corpus folder corpus/$target" > "$dir/log"; echo "status 1 corpus" >> "$dir/log"; return; }
  # shellcheck disable=SC2046
  local common=($(options_of "$target") -rss_limit_mb="$RSS_MB" -timeout=10 -artifact_prefix="$dir/" "${dict[@]}")
  "$bin/$target" "${common[@]}" -runs=0 "$seeds" > "$dir/log" 2>&1
  local status=$?
  if ((status != 0)); then echo "status $status regression" >> "$dir/log"; return; fi
  if ((SECONDS_EACH > 0)); then
    "$bin/$target" "${common[@]}" -max_total_time="$SECONDS_EACH" -print_final_stats=1 "$dir/corpus" "$seeds" \
      >> "$dir/log" 2>&1
    status=$?
    echo "status $status fuzz" >> "$dir/log"
  else
    echo "status 0 regression-only" >> "$dir/log"
  fi
}

log "running ${#targets[@]} targets, ${SECONDS_EACH} s each, $JOBS at a time (scratch: $OUT)"
running=0
for target in "${targets[@]}"; do
  if ((running >= JOBS)); then wait -n; running=$((running - 1)); fi
  run_target "$target" &
  running=$((running + 1))
done
wait

# 2. The verdict: every target must have run its corpus and fuzzed without a finding.
ran=0
for target in "${targets[@]}"; do
  logfile="$OUT/$target/log"
  last=$(tail -1 "$logfile" 2>/dev/null)
  runs=$(grep -oE "^Done [0-9]+ runs" "$logfile" 2>/dev/null | tail -1 | grep -oE "[0-9]+")
  seeds=$(find "corpus/$target" -type f 2>/dev/null | wc -l)
  stats=$(grep -oE "stat::number_of_executed_units: [0-9]+" "$logfile" 2>/dev/null | grep -oE "[0-9]+$")
  case "$last" in
    "status 0 fuzz"|"status 0 regression-only")
      if [[ -z "$runs" && -z "$stats" ]]; then
        echo "fuzz: $target: no run count in its log"; failed+=("$target (did not run)"); continue
      fi
      ran=$((ran + 1))
      echo "fuzz: $target: ok ($seeds seeds, ${stats:-$runs} runs)"
      ;;
    *)
      failed+=("$target")
      echo "fuzz: $target: FAILED ($last)"
      for reproducer in "$OUT/$target"/crash-* "$OUT/$target"/leak-* "$OUT/$target"/timeout-* "$OUT/$target"/oom-*; do
        [[ -e "$reproducer" ]] && echo "fuzz: $target: reproducer $reproducer (run: $bin/$target $reproducer)"
      done
      grep -m1 -B2 -A30 -E "property violated|Fatal error|==ERROR|ERROR: libFuzzer|Test unit written|no corpus" "$logfile" | head -60
      ;;
  esac
done
log "$ran of ${#targets[@]} targets ran clean"
if ((${#failed[@]})) || ((ran != ${#targets[@]})); then
  echo "fuzz: FAILED: ${failed[*]:-some targets did not run}"
  exit 1
fi
