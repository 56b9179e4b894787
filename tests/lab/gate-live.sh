#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/gate-live.sh - --fail-if on a real page_owner kernel (the kernel lab), as a
# kernel CI job would run it: the leak workload trips the gate (status 3, the brd row on
# standard error); the same run without a workload passes (0). Also, live: pagetop record
# --textfile writes OpenMetrics that promtool takes, with the brd series in it. Run by
# "make check-live".
#
# Environment: KERNEL_LAB (default $top_srcdir/../shared/kernel-lab), PAGETOP, top_srcdir.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
PAGETOP=${PAGETOP:-$top_builddir/src/pagetop}
export LC_ALL=C.UTF-8 LANGUAGE=

. "$top_srcdir/tests/lib.sh"
require_lab
[[ -x $PAGETOP ]] || missing "pagetop built ($PAGETOP)" "make"
RUNVM=$KERNEL_LAB/run-vm
PAGETOP=$(cd "$(dirname "$PAGETOP")" && pwd)/$(basename "$PAGETOP")
T=$(mktemp -d /tmp/pagetop-gate-live.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The leak workload writes 2 MiB to a ramdisk about every second: 8 samples a second
# apart see it grow by some 14 MiB, an idle guest by far less than the gate's 6 MiB.
gate=(-b -n 8 -d 1 --format csv --fail-if 'delta_base>6M')

"$RUNVM" -t 240 -w leak -W 5 -- "$PAGETOP" "${gate[@]}" >"$T/leak.csv" 2>"$T/leak.err"
rc=$?
sed 's/^/  stderr: /' "$T/leak.err"
if [[ $rc -eq 3 ]]; then pass "the leak trips the gate (status 3)"; else fail "the leak: status $rc, expected 3"; fi
if grep -q '^pagetop: delta_base>6M at sample [0-9]*: brd_submit_bio \[brd\] (delta_base [0-9]*)$' "$T/leak.err"; then
	pass "the brd row is said on standard error"
else
	fail "no brd row on standard error"
fi

"$RUNVM" -t 240 -- "$PAGETOP" "${gate[@]}" >"$T/quiet.csv" 2>"$T/quiet.err"
rc=$?
sed 's/^/  stderr: /' "$T/quiet.err"
if [[ $rc -eq 0 ]]; then pass "a run without workload passes (status 0)"; else fail "quiet: status $rc, expected 0"; fi
samples=$(awk -F, 'NR > 1 { s[$1] = 1 } END { print length(s) }' "$T/quiet.csv")
if [[ $samples -eq 8 ]]; then pass "it printed 8 samples"; else fail "quiet: $samples samples, expected 8"; fi

# pagetop record --textfile, live, beside a recording
"$RUNVM" -t 240 -w leak -W 3 -- "$PAGETOP" record -n 3 -d 1 --textfile "$T/pagetop.prom" \
	-o "$T/run.ptrec" 2>"$T/tf.err"
rc=$?
sed 's/^/  stderr: /' "$T/tf.err"
if [[ $rc -eq 0 ]]; then pass "record --textfile live (status 0)"; else fail "record --textfile: status $rc"; fi
if command -v promtool >/dev/null && promtool check metrics <"$T/pagetop.prom"; then
	pass "promtool check metrics takes the textfile"
else
	fail "promtool check metrics (or promtool missing: apt-get install prometheus)"
fi
if grep -q '^pagetop_pages{caller="brd_submit_bio",module="brd"} [1-9]' "$T/pagetop.prom"; then
	pass "the brd series is in the textfile"
else
	fail "no brd series in the textfile"
fi

((failures == 0))
