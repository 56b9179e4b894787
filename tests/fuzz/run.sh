#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - builds the libFuzzer targets of tests/fuzz/ and runs each (make fuzz).
#
# Outside the normal build: clang compiles the library's sources (src/*.c but main.c) with
# -fsanitize=fuzzer-no-link,address,undefined and each target with
# -fsanitize=fuzzer,address,undefined, into $top_builddir/tests/fuzz/bin. Each target then
# runs for FUZZ_SECONDS on its seed corpus (tests/fuzz/corpus/TARGET, read only) plus a
# work corpus ($top_builddir/tests/fuzz/work/TARGET, where new inputs go). A crash, a
# sanitizer report, a leak, a timeout or running out of memory fails the run; the input
# is saved under $top_builddir/tests/fuzz/artifacts/TARGET/: copy it into
# tests/fuzz/regressions/TARGET/ so that make check replays it (tests/fuzz/replay).
#
# Environment (make fuzz passes the first ones):
#   top_srcdir, top_builddir   the source and build trees (default: here)
#   FUZZ_SOURCES               the library's sources (Makefile.am's list; default src/*.c)
#   FUZZ_CFLAGS, FUZZ_LIBS     compile flags and libraries of the dependencies (*.a dropped)
#   FUZZ_SECONDS               per target (default 60)
#   FUZZ_JOBS                  targets run at once (default: the number of CPUs)
#   FUZZ_SEED                  libFuzzer's -seed (default 1: CI's runs repeat what a
#                              run here did; 0 picks a new one, for long exploring runs)
#   FUZZ_TARGETS               which targets (default: all: snapshot page_owner recording
#                              frame stream rcfile split model allocinfo; stream-big is stream with
#                              inputs up to 1 MiB, opt-in)
#   FUZZ_BUILD_ONLY=1          build, do not run
#   CC                         default clang
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
FUZZ_SEED=${FUZZ_SEED:-1}
FUZZ_TARGETS=${FUZZ_TARGETS:-snapshot page_owner recording frame stream rcfile split model allocinfo}
CC=${CC:-clang}
out=$top_builddir/tests/fuzz
bin=$out/bin
obj=$bin/obj
mkdir -p "$obj"

if ! command -v "$CC" >/dev/null; then
	echo "fuzz: $CC not found (install clang and libclang-rt-14-dev: ./dev.sh test does)" >&2
	exit 1
fi

# the library's C files, without main.c
srcs=""
for f in ${FUZZ_SOURCES:-$(cd "$top_srcdir" && ls src/*.c)}; do
	case $f in *.c) ;; *) continue ;; esac
	case $f in src/main.c|*/main.c) continue ;; esac
	case " $srcs " in *" $f "*) continue ;; esac
	[ -f "$top_srcdir/$f" ] && srcs="$srcs $f"
done
# the dependencies' libraries (make passes PT_LIBS: the uninstrumented libpagetop.a in it
# is left out)
libs=""
for l in ${FUZZ_LIBS:-$(pkg-config --libs ncursesw libdw zlib liblzma libzstd 2>/dev/null ||
	echo "-lncursesw -ldw -lelf -lz -llzma -lzstd")}; do
	case $l in *.a) ;; *) libs="$libs $l" ;; esac
done
common="-g -O1 -std=gnu11 -pthread -fno-omit-frame-pointer -fno-sanitize-recover=all
  -fsanitize-recover=nonnull-attribute
  -I$top_builddir -I$top_srcdir/src -I$here -DLOCALEDIR=\"/usr/share/locale\" ${FUZZ_CFLAGS:-}"

echo "fuzz: building with $CC into $bin"
objs=""
fail=0
for f in $srcs; do
	objs="$objs $obj/$(basename "${f%.c}").o"
done
# in a subshell: the compilers, once waited for here, would still end a `wait -n` below
# at once, letting more targets run than FUZZ_JOBS and the last ones outlive this script
(
	for f in $srcs; do
		# shellcheck disable=SC2086
		$CC $common -fsanitize=fuzzer-no-link,address,undefined -c "$top_srcdir/$f" \
			-o "$obj/$(basename "${f%.c}").o" &
	done
	wait
) || true
for o in $objs; do [ -f "$o" ] || fail=1; done
[ $fail = 0 ] || { echo "fuzz: building the library failed" >&2; exit 1; }
for t in $FUZZ_TARGETS; do
	t=${t%-big}
	# shellcheck disable=SC2086
	$CC $common -fsanitize=fuzzer,address,undefined "$here/fuzz_$t.c" $objs $libs \
		-o "$bin/fuzz_$t" || { echo "fuzz: building fuzz_$t failed" >&2; exit 1; }
done
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1:suppressions=$here/asan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$here/ubsan.supp}

run_one() {
	local t=$1 exe=$1 maxlen=65536
	case $t in *-big) exe=${t%-big}; maxlen=1048576 ;; esac
	local seeds=$here/corpus/$exe work=$out/work/$t art=$out/artifacts/$t/
	mkdir -p "$work" "$art"
	local dict=""
	[ -f "$here/$exe.dict" ] && dict="-dict=$here/$exe.dict"
	# shellcheck disable=SC2086
	"$bin/fuzz_$exe" -max_total_time="$FUZZ_SECONDS" -seed="$FUZZ_SEED" -rss_limit_mb=2048 -max_len=$maxlen \
		-timeout=30 -print_final_stats=1 -artifact_prefix="$art" $dict \
		"$work" "$seeds" >"$out/$t.log" 2>&1
	local rc=$?
	local runs
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
	if [ $rc = 0 ]; then
		echo "fuzz: $t: ok, ${runs:-?} runs in $FUZZ_SECONDS s"
	else
		echo "fuzz: $t: FAILED (exit $rc) after ${runs:-?} runs: see $out/$t.log; inputs:" \
			"$(ls "$art" 2>/dev/null | tr '\n' ' ')"
		grep -m5 -E "ERROR|runtime error|invariant broken|SUMMARY" "$out/$t.log" | sed 's/^/    /'
	fi
	return $rc
}

status=0
running=0
for t in $FUZZ_TARGETS; do
	if [ $running -ge "$FUZZ_JOBS" ]; then
		wait -n || status=1
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
while [ $running -gt 0 ]; do
	wait -n || status=1
	running=$((running - 1))
done
exit $status
