#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# meminfo.sh - the system's own counters (/proc/meminfo) beyond live mode: a folder's
# NAME.meminfo beside each snapshot is read with it; pagetop record keeps them per
# sample ("m" lines) and a replay shows them in every batch format (text, CSV, JSON,
# OpenMetrics, which promtool accepts); a folder without them, and an old recording,
# print what they printed before.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
require promtool prometheus
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-mem.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# check WHAT CMD...: CMD succeeds
check() {
	what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		fail "$what"
	fi
}

# three snapshots of the demo, each with /proc/meminfo as it was (MemAvailable falls)
mkdir "$tmp/f" "$tmp/plain"
for i in 0 1 2; do
	cp "$data/demo/000$i.show_stacks.xz" "$data/demo/000$i.uptime" "$tmp/f/"
	cp "$data/demo/000$i.show_stacks.xz" "$data/demo/000$i.uptime" "$tmp/plain/"
	printf 'MemTotal:        2000000 kB\nMemFree:           10000 kB\nMemAvailable:    1%d00000 kB\nSlab:              4000%d kB\nPageTables:          300 kB\n' \
		"$((5 - i))" "$i" >"$tmp/f/000$i.meminfo"
done

"$PAGETOP" -b "$tmp/f" >"$tmp/folder.txt" 2>"$tmp/err" || fail "pagetop -b folder: status $?"
check "folder: the third sample's counters in the text header" \
	grep -q '^page_owner accounts for 8.4 MiB of 683.6 MiB in use; slab 39.1 MiB, page tables 300.0 KiB$' "$tmp/folder.txt"
check "folder: one counters line per sample" \
	test "$(grep -c '^page_owner accounts for' "$tmp/folder.txt")" = 3
check "folder: no warning about the meminfo files" test ! -s "$tmp/err"
"$PAGETOP" -b "$tmp/plain" >"$tmp/plain.txt" 2>/dev/null
check "folder without meminfo: no counters line" \
	test "$(grep -c 'accounts for' "$tmp/plain.txt")" = 0

# recorded, replayed: the same numbers
"$PAGETOP" record --from "$tmp/f" -o "$tmp/r.ptrec" 2>"$tmp/err" || fail "record: status $?"
check "recording: one m line per sample" test "$(grep -c '^m MemTotal ' "$tmp/r.ptrec")" = 3
check "recording: counters in bytes" \
	grep -qx 'm MemTotal 2048000000 MemAvailable 1536000000 Slab 40960000 PageTables 307200' "$tmp/r.ptrec"
"$PAGETOP" -b "$tmp/r.ptrec" >"$tmp/replay.txt" 2>/dev/null
check "replay: the same counters lines as the folder" \
	test "$(grep 'accounts for' "$tmp/replay.txt")" = "$(grep 'accounts for' "$tmp/folder.txt")"
"$PAGETOP" -b --format csv "$tmp/r.ptrec" >"$tmp/r.csv" 2>/dev/null
check "replay CSV: mem_in_use, slab, page_tables columns" \
	grep -q '^sample,time,id,handle,pages,bytes,share,delta,rate,delta_base,peak,score,first_seen,mem_in_use,slab,page_tables,label$' "$tmp/r.csv"
check "replay CSV: the last sample's counters on its rows" \
	grep -q '^2,.*,716800000,40962048,307200,"' "$tmp/r.csv"
"$PAGETOP" -b --format json -n 1 "$tmp/r.ptrec" >"$tmp/r.json" 2>/dev/null
check "replay JSON: system object" \
	grep -q '"system":{"mem_total":2048000000,"mem_available":1536000000,"mem_in_use":512000000,"slab":40960000,"page_tables":307200}' "$tmp/r.json"
"$PAGETOP" -b --format openmetrics "$tmp/r.ptrec" >"$tmp/r.prom" 2>/dev/null
check "replay OpenMetrics: promtool accepts it" sh -c "promtool check metrics <'$tmp/r.prom' >/dev/null 2>&1"
check "replay OpenMetrics: memory in use of the last sample" \
	grep -qx 'pagetop_system_mem_in_use_bytes 716800000' "$tmp/r.prom"
check "replay OpenMetrics: its HELP, TYPE and UNIT" \
	test "$(grep -c '^# [A-Z]* pagetop_system_mem_in_use_bytes' "$tmp/r.prom")" = 3
"$PAGETOP" -b --format openmetrics "$tmp/plain" >"$tmp/plain.prom" 2>/dev/null
check "folder without meminfo: no system series" \
	test "$(grep -c pagetop_system "$tmp/plain.prom")" = 0

# an old (version 1) recording: read as before, no counters
"$PAGETOP" -b --format csv "$data/lab.ptrec.xz" >"$tmp/old.csv" 2>/dev/null
check "old recording: CSV without the counters' columns" \
	sh -c "head -n 1 '$tmp/old.csv' | grep -qv mem_in_use"

echo "meminfo.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
