#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bigdump.sh - a 1 GB per-block page_owner dump, as a large host prints it: how fast
# pagetop groups it by task, against just reading it (wc -l) and against the kernel's
# page_owner_sort. Run by bench/run.sh (`make bench`); see bench/README.md.
#
# The dump is made by bench/gen.c in a temporary folder under BENCH_BIG_DIR (default
# /tmp; it needs the dump's size free, plus room for page_owner_sort's output) and deleted
# at the end, whatever happens. Wall times: hyperfine (median); CPU: user + system (mean);
# peak RSS: GNU time. Writes BENCH_OUT/bigdump.md (a markdown table) and prints it.
#
# usage: bench/bigdump.sh [--quick] [--mb MB]
#   --quick   one run of each (a smoke test, not numbers to publish)
#   --mb MB   the dump's size (default 1024)
# environment: BUILDDIR, PAGETOP, BENCH_OUT, CC as for run.sh; BENCH_BIG_DIR.
# Exit status 77: something it needs is missing (said on standard error).
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BUILDDIR:-}" ]; then
	if [ -x "$PWD/src/pagetop" ]; then BUILDDIR=$PWD; else BUILDDIR=$srcdir; fi
fi
BUILDDIR=$(cd "$BUILDDIR" && pwd)
PAGETOP=${PAGETOP:-$BUILDDIR/src/pagetop}
out=${BENCH_OUT:-$BUILDDIR/bench/out}
big_dir=${BENCH_BIG_DIR:-/tmp}
CC=${CC:-cc}

quick=0 size_mb=1024
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--mb) size_mb=$2; shift ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "bigdump.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ $quick = 1 ]; then runs=1 runs_pos=1 warm=0
else runs=5 runs_pos=3 warm=1; fi

skip() { echo "bigdump.sh: $*" >&2; exit 77; }
command -v hyperfine >/dev/null 2>&1 || skip "hyperfine is missing: apt-get install -y hyperfine"
/usr/bin/time -v true >/dev/null 2>&1 || skip "GNU time is missing: apt-get install -y time"
[ -x "$PAGETOP" ] || skip "no pagetop at $PAGETOP: build it first"
mkdir -p "$out"

# Room: the dump, and page_owner_sort's output (small) with a margin.
need_kb=$((size_mb * 1000 * 11 / 10))
free_kb=$(df -Pk "$big_dir" | awk 'NR == 2 { print $4 }')
[ "$free_kb" -ge "$need_kb" ] ||
	skip "$big_dir has $((free_kb / 1024)) MiB free, the dump needs $((need_kb / 1024)) MiB (BENCH_BIG_DIR)"

template=
for t in "$srcdir/tests/data/small/page_owner.xz" "$srcdir/../shared/fixtures/lab-7.3.4-small/page_owner"; do
	if [ -f "$t" ]; then template=$t; break; fi
done
[ -n "$template" ] || skip "no real per-block dump (tests/data/small/page_owner.xz) to make the dump from"

pos=$out/page_owner_sort
if [ ! -x "$pos" ]; then
	BENCH_OUT=$out "$srcdir/bench/get-page-owner-sort.sh" >&2 || true
fi

work=$(mktemp -d "$big_dir/pagetop-bigdump.XXXXXX")
trap 'rm -rf "$work"' EXIT
dump=$work/big.page_owner

$CC -O2 -o "$work/gen" "$srcdir/bench/gen.c" -lm
case $template in
*.xz) xz -dc "$template" >"$work/template" ;;
*) cp "$template" "$work/template" ;;
esac
"$work/gen" -t "$work/template" -m "$size_mb" -p "$work/big" page_owner >&2
rm -f "$work/template"
blocks=$(grep -c '^Page allocated' "$dump")
bytes=$(stat -c %s "$dump")
echo "dump: $bytes bytes, $blocks blocks, in $work" >&2
cat "$dump" >/dev/null # in the page cache: what is timed is the programs' own work

# hf NAME RUNS CMD...: hyperfine's median wall time and mean CPU, "WALL_MS CPU_MS"
hf() {
	local name=$1 n=$2 cmd
	shift 2
	cmd=$(printf '%q ' "$@")
	hyperfine -N --style basic --warmup "$warm" --runs "$n" \
		--export-csv "$out/hf-big-$name.csv" -n "$name" "$cmd" >&2
	awk -F, 'NR == 2 { printf "%.0f %.0f", $4 * 1000, ($5 + $6) * 1000 }' \
		"$out/hf-big-$name.csv"
}
# rss NAME CMD...: peak resident set size in KiB
rss() {
	local name=$1
	shift
	/usr/bin/time -v "$@" >/dev/null 2>"$out/time-big-$name.txt" || true
	awk '/Maximum resident set size/ { print $NF }' "$out/time-big-$name.txt"
}

read -r w_wc c_wc <<<"$(hf wc "$runs" wc -l "$dump")"
r_wc=$(rss wc wc -l "$dump")
read -r w_pt c_pt <<<"$(hf pagetop "$runs" "$PAGETOP" -b -n 1 --group pid,comm "$dump")"
r_pt=$(rss pagetop "$PAGETOP" -b -n 1 --group pid,comm "$dump")
w_pos="" c_pos="" r_pos=""
if [ -x "$pos" ]; then
	read -r w_pos c_pos <<<"$(hf page_owner_sort "$runs_pos" "$pos" --cull=pid,name "$dump" "$work/pos.out")"
	r_pos=$(rss page_owner_sort "$pos" --cull=pid,name "$dump" "$work/pos.out")
else
	echo "bigdump.sh: no page_owner_sort (bench/get-page-owner-sort.sh): its cells stay empty" >&2
fi

# The same groups? Every task's pid, command, pages and blocks, from both.
agree="-"
if [ -s "$work/pos.out" ]; then
	"$PAGETOP" -b -n 1 --group pid,comm --format csv "$dump" |
		awk -F'"' '/^[0-9]+,comm,/ { split($5, v, ","); print $2, $4, v[2], v[4] }' |
		sort >"$work/pt.groups"
	sed -n 's/^\([0-9]*\) times, \([0-9]*\) pages, PID \([0-9-]*\), task_comm_name: \(.*\)$/\3 \4 \2 \1/p' \
		"$work/pos.out" | sort >"$work/pos.groups"
	if [ -s "$work/pt.groups" ] && cmp -s "$work/pt.groups" "$work/pos.groups"; then
		agree="yes, $(wc -l <"$work/pt.groups" | tr -d ' ') groups"
	else
		agree="**no**"
		echo "bigdump.sh: WARNING: pagetop and page_owner_sort disagree on the groups:" >&2
		diff "$work/pt.groups" "$work/pos.groups" | head -n 10 >&2 || true
	fi
fi

s() { awk -v t="$1" 'BEGIN { if (t == "") print "-"; else printf "%.2f s", t / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f MiB", k / 1024 }'; }
x() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.1fx", a / b }'; }
gbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { if (t == "" || t == 0) print "-"; else printf "%.2f GB/s", b / t / 1e6 }'; }
{
	echo "| $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') per-block dump, $blocks blocks, by task | wall (median) | CPU (mean) | peak RSS | throughput |"
	echo "|---|---|---|---|---|"
	echo "| \`wc -l\` | $(s "$w_wc") | $(s "$c_wc") | $(mib "$r_wc") | $(gbs "$w_wc") |"
	echo "| \`pagetop -b -n 1 --group pid,comm\` | $(s "$w_pt") | $(s "$c_pt") | $(mib "$r_pt") | $(gbs "$w_pt") |"
	echo "| \`page_owner_sort --cull=pid,name\` | $(s "$w_pos") | $(s "$c_pos") | $(mib "$r_pos") | $(gbs "$w_pos") |"
	echo
	echo "pagetop takes $(x "$w_pt" "$w_wc") the wall time of \`wc -l\` and is $(x "$w_pos" "$w_pt") faster than page_owner_sort (CPU $(x "$c_pos" "$c_pt")); the same groups: $agree. Runs: $runs ($runs_pos of page_owner_sort), the dump in the page cache; $(awk '{ print "load average " $1 }' /proc/loadavg) at the end; $(nproc) CPUs; $(date -u +%Y-%m-%d). Made by bench/gen.c (seed 1) from tests/data/small/page_owner, deleted afterwards."
} >"$out/bigdump.md"
cat "$out/bigdump.md"
