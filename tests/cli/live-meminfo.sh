#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# live-meminfo.sh - live batch output carries the system's counters (a fake debugfs tree,
# PAGETOP_MEMINFO for /proc/meminfo): CSV's mem_in_use, slab and page_tables columns
# before label, JSON's "system" object; empty when the counters cannot be read; a saved
# file's CSV keeps its columns.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ
. "$top_srcdir/tests/lib.sh"
command -v xz >/dev/null || missing "xz" "apt-get install -y xz-utils"

data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-meminfo.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

mkdir -p "$tmp/debug/page_owner_stacks"
xz -dc "$data/small/0000.show_stacks.xz" >"$tmp/debug/page_owner_stacks/show_stacks"
printf '0\n' >"$tmp/debug/page_owner_stacks/count_threshold"
printf 'MemTotal:  1000 kB\nMemFree:  10 kB\nMemAvailable:  400 kB\nSlab:  50 kB\nPageTables:  7 kB\n' >"$tmp/meminfo"
live() { # live FORMAT [ARG...]: two live samples of the fake tree, 2 rows each
	f=$1
	shift
	PAGETOP_DEBUGFS_MOUNTED=1 PAGETOP_MEMINFO=$tmp/meminfo \
		"$PAGETOP" -b -n 2 -d 0.1 --limit 2 --format "$f" --debugfs "$tmp/debug" "$@" \
		>"$tmp/out" 2>"$tmp/err" || fail "live --format $f: status $?: $(cat "$tmp/err")"
}

live csv
head -n 1 "$tmp/out" | grep -qx 'sample,time,id,handle,pages,bytes,share,delta,rate,delta_base,peak,score,first_seen,mem_in_use,slab,page_tables,label' ||
	fail "live CSV header: $(head -n 1 "$tmp/out")"
[ "$(grep -c ',614400,51200,7168,"' "$tmp/out")" = 4 ] ||
	fail "live CSV rows: MemTotal - MemAvailable, Slab, PageTables in bytes in every row: $(cat "$tmp/out")"

live json
[ "$(grep -c '"system":{"mem_total":1024000,"mem_available":409600,"mem_in_use":614400,"slab":51200,"page_tables":7168}' "$tmp/out")" = 2 ] ||
	fail "live JSON: no system object in each sample: $(cut -c1-600 "$tmp/out")"

# the counters cannot be read: the columns stay, empty; JSON has no system object
rm "$tmp/meminfo"
live csv
head -n 1 "$tmp/out" | grep -q ',first_seen,mem_in_use,slab,page_tables,label$' || fail "CSV header without meminfo"
[ "$(grep -c ',,,,"' "$tmp/out")" = 4 ] || fail "CSV without meminfo: not empty: $(cat "$tmp/out")"
live json
grep -q '"system"' "$tmp/out" && fail "JSON without meminfo has a system object"

# a saved file: the columns of before
"$PAGETOP" -b -n 1 --format csv "$tmp/debug/page_owner_stacks/show_stacks" >"$tmp/out" 2>"$tmp/err"
head -n 1 "$tmp/out" | grep -qx 'sample,time,id,handle,pages,bytes,share,delta,rate,delta_base,peak,score,first_seen,label' ||
	fail "file CSV header changed: $(head -n 1 "$tmp/out")"

[ $failed -eq 0 ] || exit 1
echo "live-meminfo.sh: all checks passed"
