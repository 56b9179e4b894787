#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - pagetop's benchmarks (`make bench`). See bench/README.md.
#
# Generates large realistic inputs into bench/out/ (not committed) from the project's real
# page_owner samples, then times pagetop against the tools a user would otherwise use:
# wc -l (the cost of just reading the file), an awk script, the kernel's page_owner_sort.
# Wall times: hyperfine (median). Peak RSS: GNU time (/usr/bin/time -v).
# Prints a markdown table at the end and writes it to bench/out/results.md.
#
# usage: bench/run.sh [--quick] [--stacks N] [--dump-mb MB] [--no-gen]
#   --quick       fewer runs (a smoke test, not numbers to publish)
#   --stacks N    distinct stacks in the show_stacks benchmark (default 100000)
#   --dump-mb MB  size of the per-block dump (default 125)
#   --no-gen      reuse the inputs already in bench/out/
# environment: PAGETOP (the binary; default BUILDDIR/src/pagetop), BUILDDIR (where
#   src/pagetop and src/libpagetop.a are; default: the current directory when it has
#   src/pagetop, else the source tree), BENCH_OUT (default BUILDDIR/bench/out),
#   BENCH_AWK (default mawk when installed, else awk), CC (default cc), BENCH_BIG_MB and
#   BENCH_BIG_DIR (bench/bigdump.sh's dump: size, default 1024, and folder, default /tmp).
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BUILDDIR:-}" ]; then
	if [ -x "$PWD/src/pagetop" ] || [ -f "$PWD/src/libpagetop.a" ]; then BUILDDIR=$PWD
	else BUILDDIR=$srcdir; fi
fi
BUILDDIR=$(cd "$BUILDDIR" && pwd)
PAGETOP=${PAGETOP:-$BUILDDIR/src/pagetop}
out=${BENCH_OUT:-$BUILDDIR/bench/out}
CC=${CC:-cc}

quick=0 nstacks=100000 dump_mb=125 gen=1
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--stacks) nstacks=$2; shift ;;
	--dump-mb) dump_mb=$2; shift ;;
	--no-gen) gen=0 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ $quick = 1 ]; then runs_fast=5 runs_slow=2 warm=1
else runs_fast=30 runs_slow=5 warm=2; fi

say() { printf '\n== %s\n' "$*"; }
missing=0
need() { # need CMD DEBIAN-PACKAGE
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "run.sh: '$1' is missing: apt-get install -y $2" >&2
		missing=1
	fi
}
need hyperfine hyperfine
need "$CC" gcc
need xz xz-utils
need pkg-config pkg-config
if ! /usr/bin/time -v true >/dev/null 2>&1; then
	echo "run.sh: GNU time (/usr/bin/time -v) is missing: apt-get install -y time" >&2
	missing=1
fi
[ $missing = 0 ] || exit 1
AWK=${BENCH_AWK:-$(command -v mawk || command -v awk)}
GAWK=$(command -v gawk || true)

mkdir -p "$out"
log=$out/bench.log
: >"$log"

# ---------------------------------------------------------------- inputs
frames=$out/frames.show_stacks
template=$out/template.page_owner
stacks=$out/stacks
dump=$out/dump.page_owner

if [ $gen = 1 ]; then
	say "inputs"
	$CC -O2 -o "$out/gen" "$srcdir/bench/gen.c" -lm

	# Real show_stacks samples: the project's own copy, else the shared fixtures.
	shopt -s nullglob
	demo=("$srcdir"/tests/data/demo/*.show_stacks.xz)
	if [ ${#demo[@]} -gt 0 ]; then
		echo "frames from tests/data/demo (${#demo[@]} samples)"
		xz -dc "${demo[@]}" >"$frames"
	else
		shared=("$srcdir"/../shared/fixtures/lab-7.3.4-demo/*.show_stacks)
		if [ ${#shared[@]} -eq 0 ]; then
			echo "run.sh: no real show_stacks samples (tests/data/demo/*.show_stacks.xz)" >&2
			exit 1
		fi
		echo "frames from ../shared/fixtures/lab-7.3.4-demo (${#shared[@]} samples)"
		cat "${shared[@]}" >"$frames"
	fi

	# The real per-block dump (11,121 blocks, lab-7.3.4-small): the project's own copy,
	# else the shared fixture.
	t=${BENCH_DUMP_TEMPLATE:-}
	if [ -z "$t" ]; then
		for t in "$srcdir/tests/data/small/page_owner.xz" "$srcdir/tests/data/small/page_owner" \
			"$srcdir/../shared/fixtures/lab-7.3.4-small/page_owner" ""; do
			[ -f "$t" ] && break
		done
	fi
	if [ -z "$t" ] || [ ! -f "$t" ]; then
		echo "run.sh: no real page_owner dump (tests/data/small/page_owner.xz) to build the" \
			"large one from" >&2
		exit 1
	fi
	echo "dump template: ${t#"$srcdir"/}"
	case $t in
	*.xz) xz -dc "$t" >"$template" ;;
	*.gz) gzip -dc "$t" >"$template" ;;
	*) cp "$t" "$template" ;;
	esac

	"$out/gen" -n "$nstacks" -f "$frames" -p "$stacks" \
		show_stacks show_handles show_handles2 show_stacks_handles
	# B of the diff benchmark: as many other stacks of the same frames (seed 2)
	"$out/gen" -n "$nstacks" -s 2 -f "$frames" -p "$out/stacks-b" show_stacks
	"$out/gen" -t "$template" -m "$dump_mb" -p "$out/dump" page_owner
fi
for f in "$stacks.show_stacks" "$stacks.show_handles" "$stacks.show_handles2" \
	"$stacks.show_stacks_handles" "$out/stacks-b.show_stacks" "$dump"; do
	[ -f "$f" ] || { echo "run.sh: $f is missing (run without --no-gen)" >&2; exit 1; }
done

thousands() { awk -v n="$1" 'BEGIN { s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } print n s }'; }
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
nrec_stacks=$(grep -c '^nr_base_pages:' "$stacks.show_stacks")
nrec_dump=$(grep -c '^Page allocated' "$dump")
echo "show_stacks: $(mb "$stacks.show_stacks"), $nrec_stacks stacks"
echo "page_owner:  $(mb "$dump"), $nrec_dump blocks"
# Everything below reads files from the page cache: warm them.
cat "$stacks".* "$out/stacks-b.show_stacks" "$dump" >/dev/null

# ---------------------------------------------------------------- helpers
# hf NAME RUNS CMD...: hyperfine median in ms (the command's output is discarded)
hf() {
	local name=$1 runs=$2 cmd
	shift 2
	cmd=$(printf '%q ' "$@")
	hyperfine -N --style basic --warmup "$warm" --runs "$runs" \
		--export-csv "$out/hf-$name.csv" -n "$name" "$cmd" 2>&1 | tee -a "$log" >&2
	awk -F, 'NR == 2 { printf "%.3f", $4 * 1000 }' "$out/hf-$name.csv"
}
# cpu NAME: user + system CPU time of an hf run in ms (mean), steadier than wall time on a
# busy machine
cpu() { [ -f "$out/hf-$1.csv" ] && awk -F, 'NR == 2 { printf "%.3f", ($5 + $6) * 1000 }' "$out/hf-$1.csv"; }
# rss NAME CMD...: peak resident set size in KiB (output discarded)
rss() {
	local name=$1
	shift
	/usr/bin/time -v "$@" >/dev/null 2>"$out/time-$name.txt" || true
	awk '/Maximum resident set size/ { print $NF }' "$out/time-$name.txt"
}
# works NAME CMD...: runs once, output kept in out/NAME.txt; status 0 when it worked
works() {
	local name=$1
	shift
	if "$@" >"$out/$name.txt" 2>"$out/$name.err" && [ -s "$out/$name.txt" ]; then
		return 0
	fi
	echo "run.sh: '$*' failed:" >&2
	head -n 5 "$out/$name.err" >&2
	return 1
}
ms() { awk -v t="$1" 'BEGIN { if (t == "") print "-"; else if (t < 10) printf "%.1f ms", t; else printf "%.0f ms", t }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print ""; else printf "%.1f", a / b }'; }
# verdict VALUE OP LIMIT: "yes" / "**no**" / "-"
verdict() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (v == "") { print "-"; exit }
		ok = (op == "<=") ? v <= l : (op == ">=") ? v >= l : v < l
		print ok ? "yes" : "**no**" }'
}

# ---------------------------------------------------------------- benchmarks
pt_ok=0
if [ -x "$PAGETOP" ] && works pagetop-stacks "$PAGETOP" -b -n 1 --limit 20 "$stacks.show_stacks"; then
	pt_ok=1
else
	echo "run.sh: pagetop ($PAGETOP) does not work yet: its rows stay empty" >&2
fi

say "show_stacks: $nrec_stacks stacks, $(mb "$stacks.show_stacks")"
t_wc=$(hf wc "$runs_fast" wc -l "$stacks.show_stacks")
works awk-stacks "$AWK" -f "$srcdir/bench/awk-baseline.awk" "$stacks.show_stacks" || true
t_awk=$(hf awk "$runs_slow" "$AWK" -f "$srcdir/bench/awk-baseline.awk" "$stacks.show_stacks")
r_awk=$(rss awk "$AWK" -f "$srcdir/bench/awk-baseline.awk" "$stacks.show_stacks")
t_gawk=""
if [ -n "$GAWK" ] && [ "$GAWK" != "$AWK" ]; then
	t_gawk=$(hf gawk "$runs_slow" "$GAWK" -f "$srcdir/bench/awk-baseline.awk" "$stacks.show_stacks")
fi
t_pt="" r_pt=""
if [ $pt_ok = 1 ]; then
	t_pt=$(hf pagetop-stacks "$runs_fast" "$PAGETOP" -b -n 1 --limit 20 "$stacks.show_stacks")
	r_pt=$(rss pagetop-stacks "$PAGETOP" -b -n 1 --limit 20 "$stacks.show_stacks")
fi

# pagetop diff of two such files (seeds 1 and 2), against one parse of one of them
t_dif="" c_dif="" x_dif="" cx_dif=""
if [ $pt_ok = 1 ] && works pagetop-diff "$PAGETOP" diff --limit 20 "$stacks.show_stacks" \
	"$out/stacks-b.show_stacks"; then
	say "pagetop diff of two files of $nrec_stacks stacks"
	t_dif=$(hf pagetop-diff "$runs_fast" "$PAGETOP" diff --limit 20 "$stacks.show_stacks" \
		"$out/stacks-b.show_stacks")
	c_dif=$(cpu pagetop-diff || true)
	x_dif=$(ratio "$t_dif" "$t_pt")
	cx_dif=$(ratio "$c_dif" "$(cpu pagetop-stacks || true)")
fi

# Same answer? The top rows' page counts of pagetop and of the awk script (ties may be
# listed in another order, so the counts are compared as sorted lists).
top_pages() { awk '$1 ~ /^[0-9]+$/ && NF >= 3 && $2 != "stacks," { print $1 }' "$1" | sort -n; }
if [ $pt_ok = 1 ] && [ -s "$out/awk-stacks.txt" ]; then
	if [ "$(top_pages "$out/pagetop-stacks.txt")" = "$(top_pages "$out/awk-stacks.txt")" ]; then
		echo "pagetop and the awk script agree on the top 20" >&2
	else
		echo "run.sh: WARNING: pagetop and the awk script disagree on the top 20" \
			"(compare $out/pagetop-stacks.txt and $out/awk-stacks.txt)" >&2
	fi
fi

say "per-sample update: show_handles of $nrec_stacks stacks, ~5% changed"
t_upd="" c_upd=""
lib=$BUILDDIR/src/libpagetop.a
if [ $pt_ok = 1 ] && [ -f "$lib" ]; then
	libs="$(pkg-config --libs ncursesw libdw zlib liblzma) -lpthread -lm"
	san=""
	if nm "$lib" 2>/dev/null | grep -q '__asan_'; then
		san="-fsanitize=address,undefined"
	fi
	# shellcheck disable=SC2086
	if $CC -std=gnu11 -O2 $san -I"$srcdir/src" -I"$BUILDDIR" -o "$out/update" \
		"$srcdir/bench/update.c" "$lib" $libs 2>"$out/update-build.err"; then
		if "$out/update" "$stacks.show_stacks_handles" "$stacks.show_handles" \
			"$stacks.show_handles2" 20 >"$out/update.txt" 2>&1; then
			tee -a "$log" <"$out/update.txt" >&2
			t_upd=$(awk '/^median_ms:/ { print $2 }' "$out/update.txt")
			c_upd=$(awk '/^median_cpu_ms:/ { print $2 }' "$out/update.txt")
		else
			echo "run.sh: bench/update failed:" >&2
			tail -n 5 "$out/update.txt" >&2
		fi
	else
		echo "run.sh: bench/update.c does not build:" >&2
		head -n 20 "$out/update-build.err" >&2
	fi
else
	echo "skipped: needs a working src/pagetop and src/libpagetop.a" >&2
fi

say "allocinfo: a live tick of a 10,000-line /proc/allocinfo"
# bench/allocinfo.c: read + parse + update + view, in-process, from the real 6.12 file grown
t_ai="" c_ai=""
if [ $pt_ok = 1 ] && [ -f "$lib" ]; then
	# shellcheck disable=SC2086
	if $CC -std=gnu11 -O2 $san -I"$srcdir/src" -I"$BUILDDIR" -o "$out/allocinfo" \
		"$srcdir/bench/allocinfo.c" "$lib" $libs 2>"$out/allocinfo-build.err" &&
		"$out/allocinfo" "$srcdir/tests/data/allocinfo-file/6.12.allocinfo" 10000 50 \
			>"$out/allocinfo.txt" 2>&1; then
		tee -a "$log" <"$out/allocinfo.txt" >&2
		t_ai=$(awk '/^median_ms:/ { print $2 }' "$out/allocinfo.txt")
		c_ai=$(awk '/^median_cpu_ms:/ { print $2 }' "$out/allocinfo.txt")
	else
		echo "run.sh: bench/allocinfo failed:" >&2
		cat "$out/allocinfo-build.err" "$out/allocinfo.txt" 2>/dev/null | tail -n 5 >&2
	fi
fi

say "call tree: $nrec_stacks stacks, top-down and bottom-up"
# bench/tree.c builds the tree of the model in-process (as update.c does)
tree_keys="first sample sort threshold subtree expand search all_first all"
declare -A tr=()
if [ $pt_ok = 1 ] && [ -f "$lib" ]; then
	# shellcheck disable=SC2086
	if $CC -std=gnu11 -O2 $san -I"$srcdir/src" -I"$BUILDDIR" -o "$out/tree" \
		"$srcdir/bench/tree.c" "$lib" $libs 2>"$out/tree-build.err"; then
		if "$out/tree" "$stacks.show_stacks_handles" "$stacks.show_handles" \
			"$stacks.show_handles2" 20 >"$out/tree.txt" 2>&1; then
			tee -a "$log" <"$out/tree.txt" >&2
			val() { awk -v k="$1:" '$1 == k { print $2 }' "$out/tree.txt"; }
			for mode in top_down bottom_up; do
				for k in $tree_keys; do tr[$k.$mode]=$(val "${k}_cpu_ms_$mode"); done
			done
		else
			echo "run.sh: bench/tree failed:" >&2
			tail -n 5 "$out/tree.txt" >&2
		fi
	else
		echo "run.sh: bench/tree.c does not build:" >&2
		head -n 20 "$out/tree-build.err" >&2
	fi
fi

say "churn: $nrec_stacks live stacks, 0.5% gone and as many new per sample"
# bench/churn.c feeds the model in-process (as update.c does); GNU time gives the peak RSS
# of runs of 50, 300 and 600 samples, the program the model's own accounting.
r_ch50="" r_ch300="" r_ch600="" m_ch50="" m_ch600=""
if [ $pt_ok = 1 ] && [ -f "$lib" ]; then
	# shellcheck disable=SC2086
	if $CC -std=gnu11 -O2 $san -DHAVE_MODEL_MEM -I"$srcdir/src" -I"$BUILDDIR" -o "$out/churn" \
		"$srcdir/bench/churn.c" "$lib" $libs 2>"$out/churn-build.err"; then
		# churn_rss N: peak RSS in KiB of a run of N samples
		churn_rss() {
			/usr/bin/time -v "$out/churn" -n "$1" "$stacks.show_stacks_handles" \
				>"$out/churn-$1.txt" 2>"$out/time-churn-$1.txt" || true
			tee -a "$log" <"$out/churn-$1.txt" >&2
			awk '/Maximum resident set size/ { print $NF }' "$out/time-churn-$1.txt"
		}
		r_ch50=$(churn_rss 50)
		r_ch300=$(churn_rss 300)
		r_ch600=$(churn_rss 600)
		m_ch50=$(awk '/^after 50 samples/ { for (i = 1; i <= NF; i++) if ($i == "model") print $(i + 1) }' "$out/churn-600.txt")
		m_ch600=$(awk '/^after 600 samples/ { for (i = 1; i <= NF; i++) if ($i == "model") print $(i + 1) }' "$out/churn-600.txt")
	else
		echo "run.sh: bench/churn.c does not build:" >&2
		head -n 20 "$out/churn-build.err" >&2
	fi
else
	echo "skipped: needs a working src/pagetop and src/libpagetop.a" >&2
fi

say "charts: $nrec_stacks stacks, 600 samples, 5% of the counts changing each"
# bench/chart.c feeds the model in-process: a sample's update with every row's whole
# series kept, the charts' memory, and what the chart of a row costs to draw.
t_chs="" t_chr="" t_cht="" t_chn="" t_chf="" n_chf="" b_chs="" m_chs=""
if [ $pt_ok = 1 ] && [ -f "$lib" ]; then
	# shellcheck disable=SC2086
	if $CC -std=gnu11 -O2 $san -I"$srcdir/src" -I"$BUILDDIR" -o "$out/chart" \
		"$srcdir/bench/chart.c" "$lib" $libs 2>"$out/chart-build.err" &&
		"$out/chart" -n 600 -s "$nrec_stacks" >"$out/chart.txt" 2>&1; then
		tee -a "$log" <"$out/chart.txt" >&2
		val() { awk -v k="$1:" '$1 == k { print $2 }' "$out/chart.txt"; }
		t_chs=$(val sample_ms) t_chr=$(val chart_row_us) t_cht=$(val chart_total_us)
		t_chn=$(val chart_node_all_ms) t_chf=$(val chart_node_frame_ms)
		n_chf=$(val chart_node_frames)
		b_chs=$(val chart_bytes_per_stack) m_chs=$(val chart_mib)
	else
		echo "run.sh: bench/chart.c failed:" >&2
		cat "$out/chart-build.err" "$out/chart.txt" 2>/dev/null | head -n 20 >&2
	fi
else
	echo "skipped: needs a working src/pagetop and src/libpagetop.a" >&2
fi

say "per-block dump: $nrec_dump blocks, $(mb "$dump")"
pos=$out/page_owner_sort
if [ ! -x "$pos" ]; then
	BENCH_OUT=$out "$srcdir/bench/get-page-owner-sort.sh" || true
fi
t_pos="" r_pos=""
if [ -x "$pos" ]; then
	t_pos=$(hf page_owner_sort "$runs_slow" "$pos" --cull=stacktrace "$dump" "$out/page_owner_sort.out")
	r_pos=$(rss page_owner_sort "$pos" --cull=stacktrace "$dump" "$out/page_owner_sort.out")
else
	echo "skipped page_owner_sort: see bench/get-page-owner-sort.sh" >&2
fi
t_ptd="" r_ptd=""
if [ $pt_ok = 1 ] && works pagetop-dump "$PAGETOP" -b -n 1 --limit 20 "$dump"; then
	t_ptd=$(hf pagetop-dump "$runs_slow" "$PAGETOP" -b -n 1 --limit 20 "$dump")
	r_ptd=$(rss pagetop-dump "$PAGETOP" -b -n 1 --limit 20 "$dump")
fi

# by task: page_owner_sort --cull pid,name and pagetop's two keys, the same groups
t_pos2="" r_pos2="" t_pta="" r_pta=""
if [ -x "$pos" ]; then
	t_pos2=$(hf page_owner_sort-pid "$runs_slow" "$pos" --cull=pid,name "$dump" "$out/page_owner_sort-pid.out")
	r_pos2=$(rss page_owner_sort-pid "$pos" --cull=pid,name "$dump" "$out/page_owner_sort-pid.out")
fi
if [ $pt_ok = 1 ] && works pagetop-dump-pid "$PAGETOP" -b -n 1 --group pid,comm "$dump"; then
	t_pta=$(hf pagetop-dump-pid "$runs_slow" "$PAGETOP" -b -n 1 --group pid,comm "$dump")
	r_pta=$(rss pagetop-dump-pid "$PAGETOP" -b -n 1 --group pid,comm "$dump")
fi

if [ -n "$t_ptd" ] && [ -s "$out/page_owner_sort.out" ]; then
	pos_top=$(awk '/ times, [0-9]+ pages/ { print $3 }' "$out/page_owner_sort.out" |
		sort -rn | awk 'NR <= 20' | sort -n)
	if [ "$(top_pages "$out/pagetop-dump.txt")" = "$pos_top" ]; then
		echo "pagetop and page_owner_sort agree on the top 20" >&2
	else
		echo "run.sh: WARNING: pagetop and page_owner_sort disagree on the top 20" \
			"(compare $out/pagetop-dump.txt and $out/page_owner_sort.out)" >&2
	fi
fi

# ---------------------------------------------------------------- report
x_wc=$(ratio "$t_pt" "$t_wc")
x_awk=$(ratio "$t_awk" "$t_pt")
x_gawk=$(ratio "$t_gawk" "$t_pt")
x_pos=$(ratio "$t_pos" "$t_ptd")
c_pt=$(cpu pagetop-stacks || true) c_wc=$(cpu wc || true) c_awk=$(cpu awk || true)
c_gawk=$(cpu gawk || true) c_pos=$(cpu page_owner_sort || true) c_ptd=$(cpu pagetop-dump || true)
[ -n "$t_pt" ] || c_pt=""
[ -n "$t_ptd" ] || c_ptd=""
[ -n "$t_gawk" ] || c_gawk=""
[ -n "$t_pos" ] || c_pos=""
cx_wc=$(ratio "$c_pt" "$c_wc")
cx_awk=$(ratio "$c_awk" "$c_pt")
cx_gawk=$(ratio "$c_gawk" "$c_pt")
cx_pos=$(ratio "$c_pos" "$c_ptd")
awkname=$(basename "$AWK")
awkver=$("$AWK" -W version 2>/dev/null | awk 'NR == 1' || true)
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
sz_s=$(mb "$stacks.show_stacks")
sz_h=$(mb "$stacks.show_handles2")
sz_d=$(mb "$dump")
x() { if [ -n "$1" ]; then echo "$1x"; else echo "-"; fi; }
# tm WALL CPU: "96 ms (cpu 95 ms)"
tm() { if [ -n "$2" ]; then echo "$(ms "$1") (cpu $(ms "$2"))"; else ms "$1"; fi; }
# cx RATIO: " (cpu 14.2x)"
cx() { if [ -n "$1" ]; then echo " (cpu $1x)"; fi; }

{
	echo "| benchmark | pagetop | baseline | result | target | met |"
	echo "|---|---|---|---|---|---|"
	echo "| show_stacks, $(thousands "$nrec_stacks") stacks ($sz_s): wall time vs \`wc -l\` | $(tm "$t_pt" "$c_pt") | wc -l: $(tm "$t_wc" "$c_wc") | $(x "$x_wc")$(cx "$cx_wc") the time of wc -l | ≤ 4x | $(verdict "$x_wc" "<=" 4) |"
	echo "| same file vs an awk script (bench/awk-baseline.awk) | $(tm "$t_pt" "$c_pt") | $awkname: $(tm "$t_awk" "$c_awk") | $(x "$x_awk")$(cx "$cx_awk") faster | ≥ 15x | $(verdict "$x_awk" ">=" 15) |"
	if [ -n "$t_gawk" ]; then
		echo "| same file vs the same script in gawk | $(tm "$t_pt" "$c_pt") | gawk: $(tm "$t_gawk" "$c_gawk") | $(x "$x_gawk")$(cx "$cx_gawk") faster | | |"
	fi
	echo "| \`pagetop diff --limit 20\` of that file and another of as many stacks (seed 2) vs one parse (\`-b -n 1\`) | $(tm "$t_dif" "$c_dif") | one parse: $(tm "$t_pt" "$c_pt") | $(x "$x_dif")$(cx "$cx_dif") the time of one parse | ≤ 2.2x | $(verdict "$x_dif" "<=" 2.2) |"
	echo "| peak RSS on that file | $(mib "$r_pt") | $awkname: $(mib "$r_awk") | | < 64 MiB | $(verdict "$r_pt" "<" 65536) |"
	echo "| per-sample update: parse show_handles ($sz_h, ~5% of counts changed) + sorted view | $(tm "$t_upd" "$c_upd"), median of 20 | | | < 20 ms | $(verdict "$t_upd" "<" 20) |"
	trp() { echo "$(ms "${tr[$1.top_down]:-}") / $(ms "${tr[$1.bottom_up]:-}")"; }
	trworst() { # the slowest of the screen's cases, a mode
		local w="" k
		for k in first sample sort threshold subtree expand search; do
			w=$(awk -v a="$w" -v b="${tr[$k.$1]:-}" 'BEGIN { if (b == "") print a; else if (a == "" || b > a) print b; else print a }')
		done
		echo "$w"
	}
	echo "| call tree of $(thousands "$nrec_stacks") stacks (bench/tree.c), top-down / bottom-up, CPU, median of 20: the first build (T); a new sample; another sort; another threshold; \`*\` on the largest root; \`e\` then \`G\` (the nodes of the screen's lines); a search far down, everything expanded | $(trp first); $(trp sample); $(trp sort); $(trp threshold); $(trp subtree); $(trp expand); $(trp search) | | the whole tree (batch output): made anew $(trp all_first), a later sample $(trp all) | < 16 ms | $(verdict "$(trworst top_down)" "<" 16) / $(verdict "$(trworst bottom_up)" "<" 16) |"
	echo "| a live tick of /proc/allocinfo, 10,000 call sites (bench/allocinfo.c): read + parse + update + sorted view | $(tm "$t_ai" "$c_ai"), median of 50 | | | < 5 ms | $(verdict "$t_ai" "<" 5) |"
	x_ch=$(ratio "$r_ch600" "$r_ch50")
	echo "| churn: $(thousands "$nrec_stacks") live stacks, 0.5% gone and 0.5% new per sample (bench/churn.c): peak RSS after 50 / 300 / 600 samples | $(mib "$r_ch50") / $(mib "$r_ch300") / $(mib "$r_ch600") (model ${m_ch50:--} / ${m_ch600:--} MiB after 50 / 600) | | $(x "$x_ch") after 600 of after 50 | ≤ 1.5x | $(verdict "$x_ch" "<=" 1.5) |"
	echo "| charts: $(thousands "$nrec_stacks") stacks, 600 samples, 5% of the counts changing per sample (bench/chart.c): the chart of the largest row, 100x12 in braille, and of the total / a sample's update / the charts' memory; \`c\` on a tree node above every stack: the whole sum, the frames it takes and the longest | ${t_chr:--} / ${t_cht:--} µs / $(ms "$t_chs") of CPU / ${m_chs:--} MiB, ${b_chs:--} bytes a stack; $(ms "$t_chn") of CPU in ${n_chf:--} frames of $(ms "$t_chf") at most | | | chart < 1 ms, ≤ 260 bytes a stack, a frame of \`c\` < 16 ms | $(verdict "$t_chr" "<" 1000), $(verdict "$b_chs" "<=" 260), $(verdict "$t_chf" "<" 16) |"
	echo "| per-block dump, $(thousands "$nrec_dump") blocks ($sz_d): wall time vs page_owner_sort --cull=stacktrace | $(tm "$t_ptd" "$c_ptd") | page_owner_sort: $(tm "$t_pos" "$c_pos") | $(x "$x_pos")$(cx "$cx_pos") faster | ≥ 5x | $(verdict "$x_pos" ">=" 5) |"
	echo "| peak RSS on the dump | $(mib "$r_ptd") | page_owner_sort: $(mib "$r_pos") | | < 32 MiB | $(verdict "$r_ptd" "<" 32768) |"
	x_pta=$(ratio "$t_pos2" "$t_pta")
	echo "| same dump by task: \`--group pid,comm\` vs page_owner_sort --cull=pid,name; peak RSS | $(tm "$t_pta" "$(cpu pagetop-dump-pid || true)"); $(mib "$r_pta") | page_owner_sort: $(tm "$t_pos2" "$(cpu page_owner_sort-pid || true)"); $(mib "$r_pos2") | $(x "$x_pta") faster | | |"
	echo
	echo "Wall time: medians of hyperfine runs ($runs_fast runs for pagetop on show_stacks and wc, $runs_slow for the rest), inputs in the page cache; targets are judged on it. cpu: user + system time (hyperfine's mean; the update's own thread CPU time), steadier when the machine is busy ($(awk '{ print "load average " $1 }' /proc/loadavg) at the end of this run). Peak RSS from \`/usr/bin/time -v\`. Command: \`pagetop -b -n 1 --limit 20 FILE\`. Awk: $awkver. page_owner_sort: tools/vm/page_owner_sort.c of Debian 12's linux-source-6.1, \`cc -O2\`. Machine: $cpu, $(nproc) CPUs, $mem; $(date -u +%Y-%m-%d). Inputs from bench/gen.c (seed 1)."
} >"$out/results.md"

say "a 1 GB per-block dump (bench/bigdump.sh)"
rc=0
BUILDDIR=$BUILDDIR BENCH_OUT=$out "$srcdir/bench/bigdump.sh" $([ $quick = 1 ] && echo --quick) \
	--mb "${BENCH_BIG_MB:-1024}" 2>>"$log" || rc=$?
if [ $rc = 0 ]; then
	{ echo; cat "$out/bigdump.md"; } >> "$out/results.md"
else
	echo "run.sh: bench/bigdump.sh did not run (status $rc): see $log" >&2
fi

say "symbolization (bench/symbols.sh)"
if BUILDDIR=$BUILDDIR BENCH_OUT=$out "$srcdir/bench/symbols.sh" $([ $quick = 1 ] && echo --quick); then
	{ echo; cat "$out/symbols.md"; } >> "$out/results.md"
else
	echo "run.sh: bench/symbols.sh failed (needs ../shared/kernel-lab)" >&2
fi

say "recording (bench/record.sh)"
if BUILDDIR=$BUILDDIR "$srcdir/bench/record.sh" > "$out/record.txt" 2>&1; then
	{ echo; echo '```'; tail -n 12 "$out/record.txt"; echo '```'; } >> "$out/results.md"
else
	echo "run.sh: bench/record.sh failed" >&2
fi

say "replaying a recording (bench/replay.sh)"
if PAGETOP=$PAGETOP RUNS=$([ $quick = 1 ] && echo 1 || echo 5) "$srcdir/bench/replay.sh" > "$out/replay.txt" 2>&1; then
	{ echo; echo '```'; cat "$out/replay.txt"; echo '```'; } >> "$out/results.md"
else
	echo "run.sh: bench/replay.sh failed" >&2
fi

say "the screen's keys at 1,000,000 stacks (bench/screen.sh)"
if BUILDDIR=$BUILDDIR BENCH_OUT=$out RUNS=$([ $quick = 1 ] && echo 1 || echo 3) \
	"$srcdir/bench/screen.sh" > /dev/null; then
	{ echo; cat "$out/screen.md"; } >> "$out/results.md"
else
	echo "run.sh: bench/screen.sh failed (make tests/unit/check_tui)" >&2
fi

say "the first screen of a 1,000,000-stack file (bench/first-screen.sh)"
# made here (461 MB) and deleted afterwards
if "$out/gen" -n 1000000 -f "$frames" -p "$out/stacks-1m" show_stacks 2>>"$log" &&
	BUILDDIR=$BUILDDIR BENCH_OUT=$out PAGETOP=$PAGETOP RUNS=$([ $quick = 1 ] && echo 1 || echo 5) \
		"$srcdir/bench/first-screen.sh" "$out/stacks-1m.show_stacks"; then
	{ echo; cat "$out/first-screen.md"; } >> "$out/results.md"
else
	echo "run.sh: bench/first-screen.sh failed" >&2
fi
rm -f "$out/stacks-1m.show_stacks"

say "live ticks on the kernel lab's kernels (bench/live-tick.sh)"
rc=0
BUILDDIR=$BUILDDIR BENCH_OUT=$out "$srcdir/bench/live-tick.sh" $([ $quick = 1 ] && echo --quick) || rc=$?
if [ $rc = 0 ]; then
	{ echo; cat "$out/live-tick.md"; } >> "$out/results.md"
elif [ $rc = 77 ]; then
	echo "run.sh: no kernel lab (KERNEL_LAB): the per-tick costs of the live interfaces are not measured" >&2
else
	echo "run.sh: bench/live-tick.sh failed" >&2
fi

say "results (also in ${out#"$PWD"/}/results.md)"
cat "$out/results.md"
