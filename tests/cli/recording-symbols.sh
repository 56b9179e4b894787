#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# recording-symbols.sh - recordings that travel: pagetop record keeps the source lines
# (inlined functions too) that real DWARF (the kernel lab's vmlinux and modules) gives for
# each frame, with the build ids they came from; a replay without any debug info shows
# them with --expand (text and JSON); --no-symbols writes and shows none; the bundled
# recording carries them; a version 1 recording prints what its version 2 copy prints.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
KERNEL_LAB=${KERNEL_LAB:-$top_srcdir/../shared/kernel-lab}
if ! [ -r "$KERNEL_LAB/vmlinux.xz" ] || ! [ -r "$KERNEL_LAB/modules/brd.ko" ]; then
	missing "the kernel lab's vmlinux.xz and modules/ in $KERNEL_LAB" "set KERNEL_LAB to the lab's folder"
fi
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-rsym.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

check() {
	what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		fail "$what"
	fi
}

# recorded with the lab's DWARF, from the version 1 recording
"$PAGETOP" record --from "$data/lab-v1.ptrec.xz" --vmlinux "$KERNEL_LAB/vmlinux.xz" \
	--modules "$KERNEL_LAB/modules" -o "$tmp/r.ptrec" 2>"$tmp/err" || fail "record: status $?"
check "record: version 2" test "$(head -n 1 "$tmp/r.ptrec")" = "#pagetop-recording 2"
check "record: the lines' build id is the kernel's" \
	grep -qx 'meta symbols-build-id vmlinux 39c628f08de750126d96253099dff1f755e473a7' "$tmp/r.ptrec"
check "record: and brd's" \
	grep -qx 'meta symbols-build-id brd 014d11b43a09c1378c5e57c6395a9631c2d7b8d1' "$tmp/r.ptrec"
check "record: the brd frame with its inlined functions" \
	grep -qx -A4 'x 4 brd_submit_bio+0x28d/0x42b \[brd\]' "$tmp/r.ptrec"
grep -A4 '^x 4 brd_submit_bio+0x28d/0x42b \[brd\]$' "$tmp/r.ptrec" >"$tmp/brd"
check "record: brd_insert_page inlined at brd.c:91" \
	grep -q '^l 91 [0-9]* [0-9]* brd_insert_page .*drivers/block/brd.c$' "$tmp/brd"
check "record: every frame of the first sample's stacks carried" \
	test "$(grep -c '^x ' "$tmp/r.ptrec")" -gt 700

"$PAGETOP" record --no-symbols --from "$data/lab-v1.ptrec.xz" --vmlinux "$KERNEL_LAB/vmlinux.xz" \
	-o "$tmp/plain.ptrec" 2>/dev/null || fail "record --no-symbols: status $?"
check "record --no-symbols: no lines" test "$(grep -c '^x \|^l ' "$tmp/plain.ptrec")" = 0

# one sample of a series (SOURCE@SAMPLE) carries them too
"$PAGETOP" record --from "$data/lab-v1.ptrec.xz@last" --vmlinux "$KERNEL_LAB/vmlinux.xz" \
	--modules "$KERNEL_LAB/modules" -o "$tmp/one.ptrec" 2>/dev/null || fail "record @last: status $?"
check "record SOURCE@SAMPLE: the brd frame carried" \
	grep -q '^x 4 brd_submit_bio+0x28d/0x42b \[brd\]$' "$tmp/one.ptrec"

# replayed with no debug info given (none found for 7.3.4 on this machine)
"$PAGETOP" -b --sort delta_base --limit 1 --expand "$tmp/r.ptrec@last" >"$tmp/out.txt" 2>"$tmp/err"
check "replay: the source lines in batch text" grep -q 'prep_new_page (mm/page_alloc.c:1882)' "$tmp/out.txt"
check "replay: the inlined functions too" \
	grep -q '(inlined by) brd_insert_page (drivers/block/brd.c:91)' "$tmp/out.txt"
check "replay: no warning about missing debug info" sh -c "! grep -q 'no source lines' '$tmp/err'"
"$PAGETOP" -b -n 1 --limit 1 --expand --format json "$tmp/r.ptrec" >"$tmp/out.json" 2>/dev/null
check "replay: the source lines in JSON" grep -q '"file":"[^"]*mm/page_alloc.c","line":1882' "$tmp/out.json"
"$PAGETOP" -b -n 1 --limit 2 --expand --no-symbols "$tmp/r.ptrec" >"$tmp/raw.txt" 2>/dev/null
check "replay --no-symbols: frames as the kernel printed them" \
	sh -c "! grep -q 'page_alloc.c' '$tmp/raw.txt'"

# the bundled recording carries them: what ./dev.sh run shows on Enter
"$PAGETOP" -b --sort delta_base --limit 1 --expand "$data/lab.ptrec.xz@last" >"$tmp/bundled.txt" 2>/dev/null
check "bundled recording: source lines" \
	grep -q '(inlined by) brd_submit_bio (drivers/block/brd.c:214)' "$tmp/bundled.txt"

# version 1 and its version 2 copy (the same samples, the lines added): the same output
mkdir "$tmp/v1" "$tmp/v2"
cp "$data/lab-v1.ptrec.xz" "$tmp/v1/lab.ptrec.xz"
cp "$data/lab.ptrec.xz" "$tmp/v2/lab.ptrec.xz"
for fmt in text csv json openmetrics; do
	(cd "$tmp/v1" && "$PAGETOP" -b --format $fmt lab.ptrec.xz) >"$tmp/v1.$fmt" 2>&1
	(cd "$tmp/v2" && "$PAGETOP" -b --format $fmt lab.ptrec.xz) >"$tmp/v2.$fmt" 2>&1
	check "version 1 and 2: the same $fmt" cmp -s "$tmp/v1.$fmt" "$tmp/v2.$fmt"
done

echo "recording-symbols.sh: $passed passed, $failed failed"
[ "$failed" = 0 ]
