#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The bundled recording made on the lab kernel (pagetop record -d 1 -n 90 under the leak
# workload) replays: 90 samples, and the ramdisk leak in [brd] ranks first by score.
set -eu
rec="$top_srcdir/tests/data/lab.ptrec.xz"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
out=$("$PAGETOP" -b --sort score --limit 1 "$rec" 2>"$err")
# the demo ./dev.sh run shows: it reads without a word
[ ! -s "$err" ] || { echo "FAIL: warnings replaying the bundled recording:"; cat "$err"; exit 1; }
n=$(printf '%s\n' "$out" | grep -c '^pagetop ')
[ "$n" = 90 ] || { echo "FAIL: $n samples, expected 90"; exit 1; }
last=$(printf "%s\n" "$out" | tail -n 1)
case $last in
*"brd_submit_bio [brd]"*) ;;
*) echo "FAIL: the last sample's first row by score is not [brd]: $last"; exit 1 ;;
esac
printf '%s\n' "$out" | grep -q "recording .*(handles)" ||
	{ echo "FAIL: the header does not name the handles interface"; exit 1; }
echo "PASS: lab recording: 90 samples, [brd] first by score"
