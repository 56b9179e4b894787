#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# record-allocinfo.sh - recordings of /proc/allocinfo: pagetop record --from a folder of
# allocinfo snapshots, replayed, prints what the folder prints in every batch format
# (only the source's name differs; pprof when go is there), with call sites that leave and come back; a damaged
# count line is an error.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
command -v xz >/dev/null || missing "xz" "apt-get install -y xz-utils"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-recai.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# the source's own words, which differ by design: its kind, name and number of samples
norm() {
	sed -e 's/^pagetop \([^ ]*\) - [a-z]* [^ ]* (allocinfo), sample \([0-9]*\)\( of [0-9]*\)*,/pagetop \1 - SRC (allocinfo), sample \2,/' \
		-e 's/"source":{"kind":"[a-z]*","name":"[^"]*"/"source":{SRC/' \
		-e 's/^\(# .*pagetop: \)[a-z]* [^ ]*/\1SRC/' "$1"
}

# same FOLDER RECORDING ARG...: every batch format of both, the same but for the name
same() {
	folder=$1
	rec=$2
	shift 2
	for f in text csv json folded openmetrics; do
		"$PAGETOP" -b --format "$f" "$@" "$folder" >"$tmp/a" 2>"$tmp/aerr" ||
			fail "$folder $f $*: status $?: $(cat "$tmp/aerr")"
		"$PAGETOP" -b --format "$f" "$@" "$rec" >"$tmp/b" 2>"$tmp/berr" ||
			fail "$rec $f $*: status $?: $(cat "$tmp/berr")"
		norm "$tmp/a" >"$tmp/an"
		norm "$tmp/b" >"$tmp/bn"
		if [ -s "$tmp/an" ] && cmp -s "$tmp/an" "$tmp/bn"; then
			passed=$((passed + 1))
		else
			fail "$f $*: the recording prints otherwise: $(diff "$tmp/an" "$tmp/bn" | head -5)"
		fi
	done
}

"$PAGETOP" record --from "$data/allocinfo" -o "$tmp/r.ptrec" 2>"$tmp/err" || fail "record: status $?: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "record said: $(cat "$tmp/err")"
head -1 "$tmp/r.ptrec" | grep -qx '#pagetop-recording 3' || fail "version: $(head -1 "$tmp/r.ptrec")"
grep -qx 'meta iface allocinfo' "$tmp/r.ptrec" && grep -qx 'meta unit bytes' "$tmp/r.ptrec" &&
	! grep -q '^meta page-size' "$tmp/r.ptrec" || fail "header: $(head -12 "$tmp/r.ptrec")"
same "$data/allocinfo" "$tmp/r.ptrec"
same "$data/allocinfo" "$tmp/r.ptrec" --group function --sort calls
same "$data/allocinfo" "$tmp/r.ptrec" --group file -n 3

# one sample of a series (--from SOURCE@SAMPLE goes through the model, as the screen's
# record key does): every call site's bytes and calls
"$PAGETOP" record --from "$data/allocinfo@last" -o "$tmp/l.ptrec" 2>"$tmp/err" || fail "record @last: $(cat "$tmp/err")"
for src in "$data/allocinfo@last" "$tmp/l.ptrec"; do
	"$PAGETOP" -b --format csv "$src" 2>"$tmp/err" | awk -F, 'NR > 1 && $5 > 0 { print $5, $6, $15 }' | sort >"$tmp/c.$(basename "$src")"
done
[ "$(wc -l <"$tmp/c.l.ptrec")" -gt 300 ] && cmp -s "$tmp/c.allocinfo@last" "$tmp/c.l.ptrec" && passed=$((passed + 1)) ||
	fail "@last: the recording's bytes and calls differ: $(diff "$tmp/c.allocinfo@last" "$tmp/c.l.ptrec" | head -5)"

# call sites that leave (a module unloaded) and come back, and one with calls but no bytes
mkdir "$tmp/f"
xz -dc "$data/allocinfo/0000.allocinfo.xz" >"$tmp/f/0000.allocinfo"
grep -v 'func:brd_' "$tmp/f/0000.allocinfo" >"$tmp/f/0001.allocinfo"
sed 's/^\( *0 *\)0 \(init\/main.c:1311 \)/\17 \2/' "$tmp/f/0000.allocinfo" >"$tmp/f/0002.allocinfo"
grep -q 'func:brd_' "$tmp/f/0000.allocinfo" && ! cmp -s "$tmp/f/0000.allocinfo" "$tmp/f/0002.allocinfo" ||
	fail "the test's snapshots"
"$PAGETOP" record --from "$tmp/f" -o "$tmp/g.ptrec" 2>"$tmp/err" || fail "record: status $?: $(cat "$tmp/err")"
grep -q '^c [0-9]* -$' "$tmp/g.ptrec" || fail "no call site left: $(grep -c '^c' "$tmp/g.ptrec")"
same "$tmp/f" "$tmp/g.ptrec"
same "$tmp/f" "$tmp/g.ptrec" --group module

# pprof: the same samples, locations and values (go tool pprof -raw), but for the comment
if command -v go >/dev/null; then
	HOME=$tmp/home GOCACHE=$tmp/gocache PPROF_TMPDIR=$tmp/pprof
	export HOME GOCACHE PPROF_TMPDIR
	mkdir -p "$HOME" "$GOCACHE" "$PPROF_TMPDIR"
	for src in "$data/allocinfo" "$tmp/r.ptrec"; do
		"$PAGETOP" -b --format pprof "$src" >"$tmp/p.pb.gz" 2>"$tmp/err" || fail "pprof $src: $(cat "$tmp/err")"
		go tool pprof -raw "$tmp/p.pb.gz" 2>"$tmp/err" | grep -v '^Comment: ' >"$tmp/p.$(basename "$src")" ||
			fail "go tool pprof $src: $(cat "$tmp/err")"
	done
	[ -s "$tmp/p.r.ptrec" ] && cmp -s "$tmp/p.allocinfo" "$tmp/p.r.ptrec" && passed=$((passed + 1)) ||
		fail "pprof: the recording's profile differs: $(diff "$tmp/p.allocinfo" "$tmp/p.r.ptrec" | head -5)"
fi

# a count line without its calls is damage, said with its line
sed '0,/^c \([0-9]*\) \([0-9]*\) [0-9]*$/s//c \1 \2/' "$tmp/r.ptrec" >"$tmp/bad.ptrec"
"$PAGETOP" -b "$tmp/bad.ptrec" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q 'expected "c ID BYTES CALLS" inside a sample' "$tmp/err" || fail "damaged: $rc $(cat "$tmp/err")"

[ $failed -eq 0 ] || exit 1
echo "record-allocinfo.sh: all $passed checks passed"
