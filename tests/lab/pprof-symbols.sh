#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/pprof-symbols.sh - the bundled recording (made on the kernel lab's 7.3.4) as a
# pprof profile with the lab's debug info (vmlinux.xz, modules/*.ko): every location go
# tool pprof reads has the source lines pagetop -b --expand prints for that frame, its
# inlined functions in the same order (innermost first), and every such frame is there;
# the [brd] leak's stack shows brd_insert_page inlined into brd_submit_bio. Needs no VM;
# run by "make check-live".
#
# Environment: KERNEL_LAB (default $top_srcdir/../shared/kernel-lab), top_srcdir, PAGETOP.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PAGETOP=${PAGETOP:-$PWD/src/pagetop}
LC_ALL=C.UTF-8
export LC_ALL

. "$top_srcdir/tests/lib.sh"
KERNEL_LAB=${KERNEL_LAB:-$top_srcdir/../shared/kernel-lab}
[ -r "$KERNEL_LAB/vmlinux.xz" ] && [ -d "$KERNEL_LAB/modules" ] ||
	missing "the kernel lab's vmlinux.xz and modules/ in $KERNEL_LAB" "set KERNEL_LAB to the lab's folder"
require go golang-go
lab=$top_srcdir/tests/data/lab.ptrec.xz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-pprof-lab.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
HOME=$tmp/home GOCACHE=$tmp/gocache PPROF_TMPDIR=$tmp/pprof
export HOME GOCACHE PPROF_TMPDIR
mkdir -p "$HOME" "$GOCACHE" "$PPROF_TMPDIR"
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

sym="--vmlinux $KERNEL_LAB/vmlinux.xz --modules $KERNEL_LAB/modules"
# shellcheck disable=SC2086
"$PAGETOP" -b --format pprof $sym "$lab" >"$tmp/k.pb.gz" 2>"$tmp/err" ||
	fail "pagetop -b --format pprof $sym: status $?: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "debug info missing: $(cat "$tmp/err")"

# a frame's lines as "function file:line|" each (the file's last name), innermost first:
# from pagetop's text (the rows with pages, as in the profile) ...
# shellcheck disable=SC2086
"$PAGETOP" -b --expand --threshold 1 $sym "$lab@last" 2>/dev/null | awk '
	function flush() { if (f != "") print f; f = "" }
	/\+0x[0-9a-f]+\/0x[0-9a-f]+/ && !/\(/ { flush(); next }
	/^ +(\(inlined by\) )?[^ ]+ \([^ ]*:[0-9]+\)$/ {
		l = $0; sub(/^ +(\(inlined by\) )?/, "", l)
		fn = l; sub(/ .*/, "", fn)
		fl = l; sub(/^[^(]*\(/, "", fl); sub(/\)$/, "", fl); sub(/.*\//, "", fl)
		f = f fn " " fl "|"; next }
	{ flush() }
	END { flush() }' | LC_ALL=C sort -u >"$tmp/want"
# ... and from the locations go tool pprof -raw lists
go tool pprof -raw "$tmp/k.pb.gz" 2>"$tmp/perr" | awk '
	function flush() { if (f != "") print f; f = "" }
	/^Locations/ { s = 1; next }
	/^Mappings/ { flush(); s = 0 }
	!s { next }
	/^ +[0-9]+: 0x/ { flush() }
	{ fl = $(NF - 1); if (fl !~ /[^:]:[1-9][0-9]*$/) next
	  sub(/.*\//, "", fl); f = f $(NF - 2) " " fl "|" }
	END { flush() }' | LC_ALL=C sort -u >"$tmp/got"
n=$(wc -l <"$tmp/want")
[ "$n" -gt 500 ] || fail "pagetop --expand resolved only $n frames: $(head -3 "$tmp/want")"
cmp -s "$tmp/want" "$tmp/got" ||
	fail "the profile's locations are not pagetop's lines: $(diff "$tmp/want" "$tmp/got" | head)"
inl=$(grep -c '|.*|' "$tmp/got")
[ "$inl" -gt 100 ] || fail "only $inl locations have inlined functions"
grep -qx 'alloc_pages_noprof gfp.h:[0-9]*|brd_insert_page brd.c:[0-9]*|brd_rw_bvec brd.c:[0-9]*|brd_submit_bio brd.c:[0-9]*|' \
	"$tmp/got" || fail "no brd_submit_bio location with its inlined functions"
go tool pprof -traces "$tmp/k.pb.gz" 2>/dev/null | grep -q '^ *brd_insert_page (inline)$' ||
	fail "-traces: brd_insert_page is not shown inlined"

if [ "$failed" -ne 0 ]; then
	echo "$failed failure(s)"
	exit 1
fi
echo "pprof with the lab's debug info: $n frames' lines alike, $inl with inlined functions"
exit 0
