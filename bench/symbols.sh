#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# symbols.sh - how fast pagetop turns frames into source lines (`make bench` runs it).
#
# The frames: every distinct frame of the kernel lab's real fixtures of 7.3.4 (tests/data
# and ../shared/fixtures/lab-7.3.4-*), resolved against ../shared/kernel-lab/vmlinux.xz and
# its modules by tests/unit/symres (the symbols service, as --expand and the UI use it):
#   cold    a new process: decompressing vmlinux.xz (threaded), loading, every frame
#   warm    a frame not asked before, with the debug info already loaded
#   cached  a frame asked before (what the UI does on every redraw)
# and against the kernel's own scripts/faddr2line (Debian's linux-source-6.1 tarball has
# it; only that file is extracted) on a sample of the same frames, on the uncompressed
# vmlinux (it cannot read .xz).
#
# usage: bench/symbols.sh [--quick]
# environment: BUILDDIR (with tests/unit/symres; built when missing), KERNEL_LAB (default
#   SRCDIR/../shared/kernel-lab), BENCH_OUT (default BUILDDIR/bench/out),
#   LINUX_SOURCE (default /usr/src/linux-source-6.1.tar.xz), FADDR2LINE_FRAMES (20).
# Prints a markdown table and writes it to BENCH_OUT/symbols.md.
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BUILDDIR:-}" ]; then
	if [ -f "$PWD/src/libpagetop.a" ]; then BUILDDIR=$PWD; else BUILDDIR=$srcdir; fi
fi
BUILDDIR=$(cd "$BUILDDIR" && pwd)
lab=${KERNEL_LAB:-$srcdir/../shared/kernel-lab}
out=${BENCH_OUT:-$BUILDDIR/bench/out}
linux_source=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
nfa=${FADDR2LINE_FRAMES:-20}
runs=5
[ "${1:-}" = --quick ] && { runs=2; nfa=5; }

[ -r "$lab/vmlinux.xz" ] || { echo "symbols.sh: no kernel lab at $lab (set KERNEL_LAB)" >&2; exit 1; }
symres=${SYMRES:-$BUILDDIR/tests/unit/symres}
[ -x "$symres" ] || make -C "$BUILDDIR" tests/unit/symres >/dev/null
mkdir -p "$out"

# ---- the frames ----
{
	for f in "$srcdir"/tests/data/demo/* "$srcdir"/tests/data/small/* \
		 "$srcdir"/tests/data/plain/* "$lab"/../fixtures/lab-7.3.4-*/*; do
		[ -f "$f" ] || continue
		case $f in
		*.xz) xz -dc "$f" ;;
		*.gz) gzip -dc "$f" ;;
		*.uptime|*kernel-notes.bin|*/page-size|*/kernel-release|*.md) ;;
		*) cat "$f" ;;
		esac
	done
} | sed -n 's/^ \(.*[^ ]\) *$/\1/p' | LC_ALL=C sort -u > "$out/sym-frames"
nframes=$(wc -l < "$out/sym-frames")

# ---- pagetop: cold, warm, cached (median of the runs) ----
echo "== pagetop: $nframes frames, $runs cold runs" >&2
: > "$out/sym-runs"
for _ in $(seq "$runs"); do
	"$symres" -t -v "$lab/vmlinux.xz" -m "$lab/modules" < "$out/sym-frames" \
		> "$out/sym-res" 2> "$out/sym-timing"
	awk '{ v[$1] = $2 } END { print v["cold_total_s"], v["first_frame_s"], v["resolve_us"], v["warm_resolve_us"], v["cached_lookup_us"] }' \
		"$out/sym-timing" >> "$out/sym-runs"
done
med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
cold=$(awk '{ print $1 }' "$out/sym-runs" | med)
best=$(awk '{ print $1 }' "$out/sym-runs" | sort -g | head -1)
load=$(awk '{ print $2 }' "$out/sym-runs" | med)
first=$(awk '{ print $3 }' "$out/sym-runs" | med)
warm=$(awk '{ print $4 }' "$out/sym-runs" | med)
cached=$(awk '{ print $5 }' "$out/sym-runs" | med)
ok=$(awk -F'\t' '$2 == "ok"' "$out/sym-res" | wc -l)

# ---- scripts/faddr2line on a sample of the same frames ----
fa=$out/faddr2line
if [ ! -x "$fa" ] && [ -r "$linux_source" ]; then
	echo "== extracting scripts/faddr2line from $linux_source" >&2
	tar -xJf "$linux_source" --wildcards -O '*/scripts/faddr2line' > "$fa.tmp" &&
		chmod +x "$fa.tmp" && mv "$fa.tmp" "$fa"
fi
fa_per=""
if [ -x "$fa" ]; then
	[ -s "$out/vmlinux" ] || xz -dc "$lab/vmlinux.xz" > "$out/vmlinux"
	grep -v '\[' "$out/sym-frames" | grep '+0x' |
		awk -v n="$nfa" '{ l[NR] = $0 } END { for (i = 1; i <= n && i <= NR; i++) print l[int((i - 0.5) * NR / n) + 1] }' \
		> "$out/sym-fa-frames"
	nfa=$(wc -l < "$out/sym-fa-frames")
	echo "== faddr2line: $nfa frames" >&2
	start=$(date +%s.%N)
	# shellcheck disable=SC2046
	"$fa" "$out/vmlinux" $(cat "$out/sym-fa-frames") > "$out/sym-fa-out" 2>&1 || true
	end=$(date +%s.%N)
	fa_per=$(awk -v s="$start" -v e="$end" -v n="$nfa" 'BEGIN { printf "%.3f", (e - s) / n }')
else
	echo "symbols.sh: no $linux_source: faddr2line not compared (apt-get install linux-source-6.1)" >&2
fi

per_frame_ms=$(awk -v c="$cold" -v n="$nframes" 'BEGIN { printf "%.2f", c * 1000 / n }')
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "") { print "-"; exit }
	ok = (op == "<" ? v + 0 < t + 0 : v + 0 >= t + 0); print ok ? "yes" : "**no**" }'; }
ratio=""
[ -n "$fa_per" ] && ratio=$(awk -v f="$fa_per" -v c="$cold" -v n="$nframes" 'BEGIN { printf "%.0f", f * n / c }')
{
	echo "| benchmark | pagetop | baseline | result | target | met |"
	echo "|---|---|---|---|---|---|"
	echo "| symbolization, cold: all $nframes distinct frames of the lab fixtures ($ok resolved), vmlinux.xz decompressed and loaded in the run | $cold s (best $best s; loading $load s) | | | < 2 s | $(met "$cold" "<" 2) |"
	echo "| each later frame of that cold run (units parsed on first use) | $first µs | | | | |"
	echo "| symbolization, warm: a frame not asked before, debug info loaded | $warm µs | | | < 20 µs | $(met "$warm" "<" 20) |"
	echo "| a frame asked before (the answer cache, what the UI does per redraw) | $cached µs | | | | |"
	if [ -n "$fa_per" ]; then
		echo "| per frame vs the kernel's scripts/faddr2line ($nfa frames, uncompressed vmlinux) | $per_frame_ms ms (cold run / frames) | faddr2line: $fa_per s | ${ratio}x faster | ≥ 100x | $(met "$ratio" ">=" 100) |"
	fi
	echo
	echo "Symbolization: medians of $runs runs of tests/unit/symres (the symbols service, as --expand uses it) on every distinct frame of tests/data and ../shared/fixtures/lab-7.3.4-*, against ../shared/kernel-lab/vmlinux.xz (30 MB, 106 MB uncompressed, full DWARF 5) and modules/; xz decompressed with $(nproc) threads. faddr2line: scripts/faddr2line of Debian 12's linux-source-6.1 with binutils $(addr2line --version 2>/dev/null | sed -n '1s/.* //p')."
} | tee "$out/symbols.md"
