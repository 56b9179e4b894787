#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# record-blocks.sh - a recording of per-block dumps keeps their blocks: pagetop record
# --from a folder of real dumps (tests/data/attrib-series: a Linux 7.3.4 dump, parts of
# it, and the hand-made tests/data/attrib dump), replayed at each sample with the
# per-block keys, answers what the dump file of that sample answers; the read's time is
# kept for the ages; a recording without blocks still refuses the keys; damaged block
# lines are errors that name their line.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
command -v xz >/dev/null || missing "xz" "apt-get install -y xz-utils"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data/attrib-series
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-recblk.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

rec=$tmp/r.ptrec
"$PAGETOP" record --from "$data" -o "$rec" 2>"$tmp/err" || fail "record: status $?: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "record said: $(cat "$tmp/err")"
head -1 "$rec" | grep -qx '#pagetop-recording 2' || fail "version: $(head -1 "$rec")"
grep -qx 'meta boot-time 0.000000' "$rec" || fail "no boot-time: $(grep '^meta' "$rec")"
# one sample of the folder (SOURCE@N) has the same header: the read's time
"$PAGETOP" record --from "$data@2" -o "$tmp/at2.ptrec" 2>"$tmp/err" || fail "record @2: status $?: $(cat "$tmp/err")"
grep -qx 'meta boot-time 0.000000' "$tmp/at2.ptrec" && passed=$((passed + 1)) ||
	fail "@2: no boot-time: $(grep '^meta' "$tmp/at2.ptrec")"
# a sample of a recording keeps the recording's, once
"$PAGETOP" record --from "$rec@1" -o "$tmp/rat1.ptrec" 2>"$tmp/err" || fail "record rec@1: $(cat "$tmp/err")"
[ "$(grep -c '^meta boot-time' "$tmp/rat1.ptrec")" = 1 ] && grep -qx 'meta boot-time 0.000000' "$tmp/rat1.ptrec" &&
	passed=$((passed + 1)) || fail "rec@1: boot-time: $(grep '^meta' "$tmp/rat1.ptrec")"
# ... and the sample's blocks: its replay answers the keys as the sample itself does
for g in pid,comm age,comm memcg,order; do
	for pair in "$tmp/at2.ptrec $data@2" "$tmp/rat1.ptrec $rec@1"; do
		# shellcheck disable=SC2086 # two paths
		set -- $pair
		"$PAGETOP" -b --group $g "$1" 2>&1 | tail -n +2 >"$tmp/a"
		"$PAGETOP" -b --group $g "$2" 2>&1 | tail -n +2 >"$tmp/b"
		grep -q 'blocks' "$tmp/a" && cmp -s "$tmp/a" "$tmp/b" && passed=$((passed + 1)) ||
			fail "$2 recorded alone, --group $g: $(diff "$tmp/a" "$tmp/b" | head -4 | cut -c1-160)"
	done
done

# sample 0 brings 7414 blocks; sample 2 only drops some; sample 3 replaces all
[ "$(grep -c '^a ' "$rec")" = 11127 ] && [ "$(grep -c '^d ' "$rec")" = 11120 ] ||
	fail "block lines: $(grep -c '^a ' "$rec") a, $(grep -c '^d ' "$rec") d"

# same N ARGS...: the recording at sample N and the dump of sample N print the same
# (text and csv; the first line and csv's sample column name the source, and a stack's
# number is the model's own: in a series it counts the stacks of the samples before)
same() {
	n=$1
	shift
	dump=$(ls "$data/000$n".page_owner*)
	up=$(cut -d' ' -f1 "$data/000$n.uptime")
	now=
	case "$*" in *age* | *older*) now="--now $up" ;; esac
	for f in text csv; do
		# shellcheck disable=SC2086 # $now is one option or none
		"$PAGETOP" -b --format $f "$@" $now "$dump" >"$tmp/a" 2>"$tmp/aerr" ||
			fail "$dump $f $*: status $?: $(cat "$tmp/aerr")"
		"$PAGETOP" -b --format $f "$@" "$rec@$n" >"$tmp/b" 2>"$tmp/berr" ||
			fail "$rec@$n $f $*: status $?: $(cat "$tmp/berr")"
		if [ $f = text ]; then
			tail -n +2 "$tmp/a" | sed 's/ #[0-9]*$/ #ID/' >"$tmp/an"
			tail -n +2 "$tmp/b" | sed 's/ #[0-9]*$/ #ID/' >"$tmp/bn"
		else
			cut -d, -f2- "$tmp/a" | sed 's/ #[0-9]*"/ #ID"/' >"$tmp/an"
			cut -d, -f2- "$tmp/b" | sed 's/ #[0-9]*"/ #ID"/' >"$tmp/bn"
		fi
		if [ -s "$tmp/an" ] && cmp -s "$tmp/an" "$tmp/bn"; then
			passed=$((passed + 1))
		else
			fail "@$n $f $*: the recording answers otherwise: $(diff "$tmp/an" "$tmp/bn" | head -5 | cut -c1-160)"
		fi
	done
}

for n in 0 1 2 3; do
	for g in pid,comm tgid comm,caller memcg class gfp order migratetype migrated age age,pid; do
		same $n --group $g
	done
	same $n --pid 0,1,300 --group comm
	same $n --tgid 410 --group pid
	same $n --comm swapper,systemd,nginx --group order,caller
	same $n --older-than 1m --group comm --sort blocks
	same $n --older-than 10m --group pid
done

# the stacks and their block summaries: the recording prints what the folder prints (but
# for the source and the stacks' numbers: a new stack of the dump can come before the
# others in the recording)
for n in 0 1 2 3; do
	"$PAGETOP" -b --format json "$data@$n" | sed -e 's/"source":{[^}]*}//' -e 's/"id":[0-9]*//g' |
		tr '{' '\n' >"$tmp/a"
	"$PAGETOP" -b --format json "$rec@$n" | sed -e 's/"source":{[^}]*}//' -e 's/"id":[0-9]*//g' |
		tr '{' '\n' >"$tmp/b"
	if grep -q '^"count":[1-9]' "$tmp/a" && cmp -s "$tmp/a" "$tmp/b"; then
		passed=$((passed + 1))
	else
		fail "json @$n: $(diff "$tmp/a" "$tmp/b" | head -4 | cut -c1-160)"
	fi
done

# a recording of the recording keeps the blocks and the time
"$PAGETOP" record --from "$rec" -o "$tmp/r2.ptrec" 2>"$tmp/err" || fail "re-record: $(cat "$tmp/err")"
grep -qx 'meta boot-time 0.000000' "$tmp/r2.ptrec" || fail "re-recorded: no boot-time"
for n in 0 1 2 3; do
	"$PAGETOP" -b --group age,comm "$rec@$n" >"$tmp/a" 2>&1
	"$PAGETOP" -b --group age,comm "$tmp/r2.ptrec@$n" >"$tmp/b" 2>&1
	tail -n +2 "$tmp/a" >"$tmp/an"
	tail -n +2 "$tmp/b" >"$tmp/bn"
	grep -q 'read at' "$tmp/an" && cmp -s "$tmp/an" "$tmp/bn" && passed=$((passed + 1)) ||
		fail "re-recorded @$n: $(diff "$tmp/an" "$tmp/bn" | head -4 | cut -c1-160)"
done

# a recording without blocks (as pagetop wrote before) still refuses, and says why
awk '/^[nad] /{next} /^t /{c=0} /^c /{c++} /^e /{print "e", $2, c; next} {print}' "$rec" >"$tmp/old.ptrec"
"$PAGETOP" -b --group pid "$tmp/old.ptrec" >"$tmp/out" 2>"$tmp/err" && fail "old recording: status 0"
grep -q 'this recording was made before recordings kept them and has only its stacks; give the dump itself' "$tmp/err" &&
	passed=$((passed + 1)) || fail "old recording said: $(cat "$tmp/err")"
"$PAGETOP" -b -n 1 "$tmp/old.ptrec" >/dev/null 2>&1 && passed=$((passed + 1)) ||
	fail "old recording: not read"

# bad LINE-SED WHAT: a damaged block line is an error naming the line
bad() {
	sed "$1" "$rec" >"$tmp/bad.ptrec"
	"$PAGETOP" -b --group pid "$tmp/bad.ptrec" >/dev/null 2>"$tmp/err"
	st=$?
	if [ $st = 1 ] && grep -q "bad.ptrec:[0-9]*: .*$2" "$tmp/err"; then
		passed=$((passed + 1))
	else
		fail "$1: status $st: $(cat "$tmp/err")"
	fi
}
first_d=$(grep -n -m1 '^d ' "$rec" | cut -d: -f1)
first_a=$(grep -n -m1 '^a ' "$rec" | cut -d: -f1)
bad "${first_d}s/^d .*/d 1/" 'no block at that PFN'
bad "${first_a}s/^a \([0-9]*\) [0-9]*/a \1 99999/" 'its stack is not defined before'
bad "${first_a}s/^a \([0-9]*\) \(.*\) [0-9]* [0-9]* [0-9]* [0-9]*\$/a \1 \2 0 999 0 0/" 'its text is not defined before'
bad "${first_a}s/^a [0-9]*/a 999999999/" 'not in the order of their PFNs'
bad "${first_a}s/\$/ 7/" '"a PFN STACK'
bad "s/^n 1 .*/n 2 x/" '"n ID TEXT"'

# a saved dump with an uptime file beside it: the recording keeps the read's time
"$PAGETOP" record --from "$top_srcdir/tests/data/attrib/page_owner" -o "$tmp/one.ptrec" 2>"$tmp/err" ||
	fail "record one dump: $(cat "$tmp/err")"
"$PAGETOP" -b --group age,comm "$top_srcdir/tests/data/attrib/page_owner" 2>&1 | tail -n +2 >"$tmp/a"
"$PAGETOP" -b --group age,comm "$tmp/one.ptrec" 2>&1 | tail -n +2 >"$tmp/b"
grep -q 'read at 100.5 s' "$tmp/a" && cmp -s "$tmp/a" "$tmp/b" && passed=$((passed + 1)) ||
	fail "one dump by age: $(diff "$tmp/a" "$tmp/b" | head -4)"

# block lines in a recording of /proc/allocinfo
"$PAGETOP" record --from "$top_srcdir/tests/data/allocinfo" -o "$tmp/ai.ptrec" 2>/dev/null
sed '0,/^t /s/^t .*/n 1 x\n&/' "$tmp/ai.ptrec" >"$tmp/bad.ptrec"
"$PAGETOP" -b "$tmp/bad.ptrec" >/dev/null 2>"$tmp/err"
st=$?
[ $st = 1 ] && grep -q 'bad.ptrec:[0-9]*: .*allocinfo has no blocks' "$tmp/err" &&
	passed=$((passed + 1)) || fail "allocinfo with blocks: status $st: $(cat "$tmp/err")"

echo "record-blocks: $passed passed, $failed failed"
[ $failed -eq 0 ]
