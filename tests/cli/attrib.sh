#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attrib.sh - the per-block dump by task, cgroup and block: --group by pid, tgid, comm,
# memcg, class, gfp, order, migratetype, migrated, age and two keys; --pid, --tgid,
# --comm, --older-than with the read's time from --now or an uptime file beside the dump;
# on the real dump (tests/data/small/page_owner.xz: its sums against the plain stack
# view's) and on a dump written as mm/page_owner.c prints memory cgroups, migration and
# slab pages (tests/data/attrib/page_owner: the lab's kernels have no memory cgroups);
# the plain dump mapped and through a pipe.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

real=$top_srcdir/tests/data/small/page_owner.xz
made=$top_srcdir/tests/data/attrib/page_owner
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-attrib.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

ok() {
	passed=$((passed + 1))
}

# run STATUS ARGS...: pagetop with ARGS exits with STATUS; output in $tmp/out, $tmp/err.
run() {
	want=$1
	shift
	"$PAGETOP" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "pagetop $*: exit $got, expected $want: $(head -c 300 "$tmp/err")"
		return 1
	fi
	return 0
}

# rows: "VALUE VALUE2 PAGES BLOCKS" of the CSV in $tmp/out, one a line.
rows() {
	awk -F'"' 'NR > 1 { split($5, n, ","); print $2 "|" $4 "|" n[2] "|" n[4] }' "$tmp/out"
}

expect_rows() { # WHAT EXPECTED (rows, sorted)
	rows | sort >"$tmp/got"
	printf '%s\n' "$2" | sort >"$tmp/want"
	if cmp -s "$tmp/got" "$tmp/want"; then ok; else
		fail "$1: rows differ:"; diff "$tmp/want" "$tmp/got" | head -20
	fi
}

sum_col() { # the sum of field N of the first-level rows (2 pages, 3 blocks)
	rows | awk -F'|' -v c="$1" '$2 == "" { s += $(c + 1) } END { print s + 0 }'
}

# ---- the real dump: every key's first level sums to the dump's blocks and pages (the
# gfp key: each flag of a block's, so at least them)
total=$("$PAGETOP" -b --format csv "$real" | awk -F, 'NR > 1 { s += $5 } END { print s }')
[ "$total" = 11405 ] && ok || fail "the real dump's stack view: $total pages, expected 11405"
# (stack and caller are the stack view's groups: a selection brings them here)
for k in stack caller pid tgid comm memcg class order migratetype migrated; do
	run 0 -b --group "$k" --now 1000 --older-than 0s --format csv "$real" || continue
	[ "$(sum_col 2)" = 11405 ] && [ "$(sum_col 3)" = 11121 ] && ok ||
		fail "--group $k: $(sum_col 2) pages in $(sum_col 3) blocks, expected 11405 in 11121"
done
run 0 -b --group gfp --format csv "$real" && [ "$(sum_col 2)" -gt 11405 ] && ok ||
	fail "--group gfp: a block counts under each of its flags"
run 0 -b --group class --format csv "$real" &&
	expect_rows "--group class" "OTHERS||10676|10392
VMALLOC||729|729"
run 0 -b --group comm --limit 3 --format csv "$real" &&
	expect_rows "--group comm --limit 3" "swapper||4693|4692
dd||4161|4161
swapper/0||878|730"

# two levels: each group's second-level rows add up to it
run 0 -b --group comm,caller --format csv "$real" &&
	rows | awk -F'|' '$2 == "" { if (NR > 1 && s != p) bad = bad " " g; g = $1; p = $3; s = 0; next }
		{ s += $3 } END { if (s != p) bad = bad " " g; if (bad != "") { print bad; exit 1 } }' &&
	ok || fail "--group comm,caller: the callers of a command do not add up to it"
run 0 -b --group pid,comm --format csv "$real" && rows | grep -q '^169|dd|4161|4161$' && ok ||
	fail "--group pid,comm: pid 169 dd not 4161 pages in 4161 blocks"
run 0 -b --group comm,caller --limit 2 "$real" &&
	grep -q '^      4685   18.3 MiB       4685      0.00    register_early_stack$' "$tmp/out" &&
	[ "$(grep -c '^ *[0-9]' "$tmp/out")" = 5 ] && ok ||
	fail "--group comm,caller --limit 2, text: not 2 commands with their 2 (dd: 1) callers"

# selection
run 0 -b --pid 169 --format csv "$real" && [ "$(sum_col 3)" = 4161 ] && ok ||
	fail "--pid 169: $(sum_col 3) blocks, expected 4161"
run 0 -b --comm dd,insmod --group comm --format csv "$real" &&
	expect_rows "--comm dd,insmod" "dd||4161|4161
insmod||544|534"
run 0 -b --comm dd --comm insmod --group comm --format csv "$real" &&
	[ "$(sum_col 3)" = 4695 ] && ok || fail "--comm given twice: not both commands"
run 0 -b --tgid 54,169 --pid 54 --group pid --format csv "$real" &&
	expect_rows "--tgid 54,169 --pid 54" "54||529|522"
run 0 -b --pid 99999 --format csv "$real" && [ "$(sum_col 3)" = 0 ] && ok ||
	fail "--pid 99999: not an empty selection"

# ---- a dump with memory cgroups, migration, slab and CMA, as mm/page_owner.c prints them
run 0 -b --group memcg --format csv "$made" &&
	expect_rows "--group memcg" "nginx.service||5|2
/||2|1
docker-4711.scope (offline)||2|2
(no memcg)||1|1"
run 0 -b --group memcg,comm --format csv "$made" &&
	rows | grep -q '^docker-4711.scope (offline)|java|2|2$' && ok ||
	fail "--group memcg,comm: java not under the offline cgroup"
run 0 -b --group class --format csv "$made" &&
	expect_rows "--group class" "OTHERS||5|2
SLAB||3|3
CMA VMALLOC||2|1"
run 0 -b --group migrated --format csv "$made" &&
	expect_rows "--group migrated" "not migrated||4|4
migrated: compaction||4|1
migrated: numa_misplaced||2|1"
run 0 -b --group migratetype --format csv "$made" &&
	expect_rows "--group migratetype" "Unmovable||6|5
Movable||4|1"
run 0 -b --group gfp --sort key --format csv "$made" &&
	[ "$(rows | cut -d'|' -f1 | tr '\n' ' ')" = "(none) GFP_HIGHUSER_MOVABLE GFP_KERNEL GFP_KERNEL_ACCOUNT __GFP_COMP __GFP_ZERO " ] &&
	ok || fail "--group gfp --sort key: $(rows | cut -d'|' -f1 | tr '\n' ' ')"
run 0 -b --group tgid,pid --format csv "$made" && rows | grep -q '^410|412|2|2$' && ok ||
	fail "--group tgid,pid: thread 412 not under 410"
run 0 -b --group order --sort blocks --format csv "$made" &&
	[ "$(rows | cut -d'|' -f1 | tr '\n' ' ')" = "0 1 2 " ] && ok ||
	fail "--group order --sort blocks: $(rows | cut -d'|' -f1 | tr '\n' ' ')"

# age: the uptime file beside the dump (100.5 s), --now over it
run 0 -b --group age --format csv "$made" &&
	expect_rows "--group age (uptime file)" "<1m||6|2
1m-10m||4|4"
run 0 -b --older-than 1m --format csv "$made" && [ "$(sum_col 3)" = 4 ] && ok ||
	fail "--older-than 1m: $(sum_col 3) blocks, expected 4"
run 0 -b --older-than 80s --group comm --format csv "$made" &&
	expect_rows "--older-than 80s" "nginx||1|1
swapper||1|1"
run 0 -b --now 4000 --group age --format csv "$made" &&
	expect_rows "--now 4000" "1h-1d||10|6"
run 0 -b --now 4000 --older-than 1.1h --format csv "$made" && [ "$(sum_col 3)" = 4 ] && ok ||
	fail "--now 4000 --older-than 1.1h: not the 4 blocks older than 3960 s"
run 0 -b --now 4000 --older-than 1.2h --format csv "$made" && [ "$(sum_col 3)" = 0 ] && ok ||
	fail "--now 4000 --older-than 1.2h: not empty"
run 0 -b --group age,comm "$made" && grep -q 'read at 100.5 s since boot' "$tmp/out" && ok ||
	fail "text: the read's time not said"
cp "$made" "$tmp/dump"
run 1 -b --group age "$tmp/dump" &&
	grep -q "needs the time of the read: a saved dump takes it from an 'uptime' file" "$tmp/err" &&
	ok || fail "--group age without the read's time: not said why"
run 1 -b --older-than 10m "$tmp/dump" && grep -q -- "--older-than: the age of blocks" "$tmp/err" &&
	ok || fail "--older-than without the read's time: not said why"
echo "12.5 3.0" >"$tmp/uptime"
run 0 -b --group age --format json "$tmp/dump" && grep -q '"now":12.500' "$tmp/out" && ok ||
	fail "json: the uptime file's time not given"
echo "soon" >"$tmp/uptime"
run 1 -b --group age "$tmp/dump" && grep -q "uptime: expected the seconds since boot" "$tmp/err" &&
	ok || fail "a bad uptime file: not said"
run 0 -b --group comm "$tmp/dump" && ok # not read when no age is asked for

# the same blocks through the parse thread (xz) and standard input, and live: a fake
# debugfs with only the per-block dump, the read's time from (a stand-in for) /proc/uptime
mkdir -p "$tmp/x" && xz -c "$made" >"$tmp/x/made.xz" || exit 99
run 0 -b --group memcg,migrated --format csv "$made" && rows | sort >"$tmp/plain"
run 0 -b --group memcg,migrated --format csv "$tmp/x/made.xz" && rows | sort | cmp -s - "$tmp/plain" &&
	ok || fail "xz: not the rows of the plain file"
"$PAGETOP" -b --group memcg,migrated --format csv - <"$made" >"$tmp/out" 2>"$tmp/err" &&
	rows | sort | cmp -s - "$tmp/plain" && ok || fail "standard input: not the rows of the file"
# a plain dump from a megabyte on is parsed on a worker thread when a CPU is free: the
# output of the real 5.7 MB dump is the one thread's, byte for byte
xz -dc "$real" >"$tmp/real" || exit 99
for args in "" "--group pid,comm --format csv" "--group gfp --format json"; do
	# shellcheck disable=SC2086
	PAGETOP_THREADS=1 "$PAGETOP" -b $args "$tmp/real" >"$tmp/one" 2>&1 &&
		PAGETOP_THREADS=2 "$PAGETOP" -b $args "$tmp/real" >"$tmp/two" 2>&1 &&
		cmp -s "$tmp/one" "$tmp/two" && ok ||
		fail "plain dump, -b $args: a worker thread's output is not one thread's"
done
# a command longer than the kernel's 16 bytes (an edited dump) comes out whole either way
long=swapper-with-a-command-of-forty-bytes-x
sed "s/tgid 0 (swapper), ts/tgid 0 ($long), ts/" "$tmp/real" >"$tmp/long" || exit 99
PAGETOP_THREADS=1 "$PAGETOP" -b --group comm "$tmp/long" >"$tmp/one" 2>&1 &&
	PAGETOP_THREADS=2 "$PAGETOP" -b --group comm "$tmp/long" >"$tmp/two" 2>&1 &&
	grep -q "$long" "$tmp/one" && cmp -s "$tmp/one" "$tmp/two" && ok ||
	fail "a 40-byte command: a worker thread's output is not one thread's"
# a folder's NNNN.page_owner that is a large stack file: said at its first line, on
# two threads as on one
mkdir -p "$tmp/notdump" || exit 99
while [ "$(stat -c %s "$tmp/notdump/0001.page_owner" 2>/dev/null || echo 0)" -lt 5000000 ]; do
	cat "$top_srcdir/tests/data/plain/0030.show_stacks" >>"$tmp/notdump/0001.page_owner" || exit 99
done
PAGETOP_THREADS=1 "$PAGETOP" -b "$tmp/notdump" >"$tmp/one" 2>&1
PAGETOP_THREADS=2 "$PAGETOP" -b "$tmp/notdump" >"$tmp/two" 2>&1
grep -q '0001.page_owner:1: expected "Page allocated via order N, ...", found' "$tmp/one" &&
	cmp -s "$tmp/one" "$tmp/two" && ok ||
	fail "a large stack file named as a dump: two threads do not say what one does"
"$PAGETOP" -b - <"$made" | head -n 1 | grep -q ' - (page_owner), sample 1' && ok ||
	fail "standard input: the header does not name the per-block dump"
xz -dc "$top_srcdir/tests/data/proposal/derived-from-0060.page_owner_stacks.xz" |
	"$PAGETOP" -b - | sed -n 2p | grep -q '^Total 42,581 allocations' && ok ||
	fail "standard input: the proposal's stack_count not counted as allocations"
mkdir -p "$tmp/debug"
cp "$made" "$tmp/debug/page_owner"
echo "100.5 3.0" >"$tmp/proc-uptime"
live() {
	PAGETOP_DEBUGFS_MOUNTED=1 PAGETOP_UPTIME=$tmp/proc-uptime \
		"$PAGETOP" -b -n 2 -d 0.1 --debugfs "$tmp/debug" --format csv "$@" >"$tmp/out" 2>"$tmp/err"
}
live --group memcg,migrated && awk -F, 'NR > 1 && $1 == 1' "$tmp/out" >"$tmp/one" &&
	[ "$(wc -l <"$tmp/one")" = "$(wc -l <"$tmp/plain")" ] && ok ||
	fail "live: not the file's rows in each sample: $(cat "$tmp/err")"
live --older-than 80s && [ "$(awk -F, 'NR > 1 && $1 == 0 { s += $7 } END { print s }' "$tmp/out")" = 2 ] &&
	ok || fail "live --older-than 80s: not the 2 blocks allocated before 20.5 s: $(cat "$tmp/out" "$tmp/err")"
live --group age && grep -q '^1,age,"1m-10m","",4,16384,4,' "$tmp/out" && ok ||
	fail "live --group age: $(cat "$tmp/out" "$tmp/err")"

# NAME.uptime beside NAME.page_owner (a folder's convention), per sample in a folder
mkdir -p "$tmp/f"
cp "$made" "$tmp/f/0001.page_owner"
xz -c "$made" >"$tmp/f/0002.page_owner.xz"
echo "200.0 1.0" >"$tmp/f/0001.uptime"
echo "4000.0 1.0" >"$tmp/f/0002.uptime"
run 0 -b --group age --format csv "$tmp/f/0002.page_owner.xz" &&
	expect_rows "NAME.uptime beside NAME.page_owner.xz" "1h-1d||10|6"
run 0 -b --group age --format csv "$tmp/f" &&
	[ "$(awk -F, 'NR > 1 { print $1 $3 }' "$tmp/out" | tr '\n' ' ')" = '0"1m-10m" 1"1h-1d" ' ] && ok ||
	fail "a folder with NAME.uptime files: each sample's own time: $(cat "$tmp/out" "$tmp/err")"
rm "$tmp/f/0001.uptime" "$tmp/f/0002.uptime"
echo "4000" >"$tmp/f/uptime"
run 0 -b --group age --format csv "$tmp/f" && [ "$(grep -c '"1h-1d"' "$tmp/out")" = 2 ] &&
	! grep -q skipped "$tmp/err" && ok ||
	fail "a folder's uptime file: not the time of both samples, or warned: $(cat "$tmp/err")"

# json: two levels nest
run 0 -b --group comm,memcg --format json "$made" &&
	grep -q '{"label":"java","pages":2,"bytes":8192,"blocks":2,"avg_order":0.000,"rows":\[{"label":"docker-4711.scope (offline)"' "$tmp/out" &&
	ok || fail "json: the second level not nested"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" && ok ||
		fail "json: not valid"
fi

# what does not go
run 2 -b --group foo,comm "$made" && grep -q -- "--group: expected a key or two" "$tmp/err" && ok ||
	fail "--group foo,comm: not refused"
run 2 -b --group comm,comm "$made" && ok
run 2 -b --pid 1,x "$made" && grep -q -- "--pid: expected numbers" "$tmp/err" && ok ||
	fail "--pid 1,x: not refused"
run 2 -b --older-than 10y "$made" && ok
run 2 -b --now -1 "$made" && ok
run 2 -b --group comm --format folded "$made" && ok
run 2 -b --group comm --tree top-down "$made" && ok
# without -b the options open the screen; with no terminal, batch's rows as with -b
run 0 -b --group comm,caller --older-than 10s "$made" && mv "$tmp/out" "$tmp/batch" &&
	run 0 --group comm,caller --older-than 10s "$made" </dev/null &&
	cmp -s "$tmp/batch" "$tmp/out" && ok ||
	fail "--group comm,caller without -b nor a terminal: not batch's rows"
run 2 --group comm --tree top-down "$made" && ok
run 1 -b --group comm "$top_srcdir/tests/data/small/0000.show_stacks.xz" &&
	grep -q "need the per-block page_owner dump, found show_stacks" "$tmp/err" && ok ||
	fail "--group comm on show_stacks: not refused"
run 2 -b --group module --pid 1 "$made" && grep -q -- "--group module: not with --pid" "$tmp/err" &&
	ok || fail "--group module --pid: not refused"
run 0 -b --group caller --pid 412 --format csv "$made" && expect_rows "--group caller --pid 412" "alloc_inode||2|2"
# a recording of the dump keeps its blocks (tests/cli/record-blocks.sh for series)
"$PAGETOP" record -o "$tmp/x.ptrec" --from "$made" >/dev/null 2>&1 &&
	run 0 -b --group comm --format csv "$made" && mv "$tmp/out" "$tmp/dump.csv" &&
	run 0 -b --group comm --format csv "$tmp/x.ptrec" && cmp -s "$tmp/out" "$tmp/dump.csv" &&
	ok || fail "--group comm on a recording of a dump: not the dump's answer"
# the stack groups stay as they were
run 0 -b --group caller --limit 1 "$made" && grep -q "LABEL$" "$tmp/out" &&
	grep -q "DELTA_BASE" "$tmp/out" && ok || fail "--group caller: not the stack view any more"
# the plain dump mapped (a file, on a worker thread from a megabyte on) and read (a pipe):
# the same groups
xz -dc "$real" >"$tmp/plain" &&
	run 0 -b --group pid,comm --format csv --now 5000 "$tmp/plain" && mv "$tmp/out" "$tmp/mapped" &&
	xz -dc "$real" | "$PAGETOP" -b --group pid,comm --format csv --now 5000 - >"$tmp/out" 2>"$tmp/err" &&
	[ -s "$tmp/mapped" ] && cmp -s "$tmp/mapped" "$tmp/out" && ok ||
	fail "the plain dump as a file and through a pipe: not the same groups"

echo "attrib.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
