#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bigdump-live.sh - the UI reading the per-block page_owner dump live (the lab's run-vm -i
# under tmux, Linux 7.3.4, PAGETOP_IFACE=page_owner, the leak workload): a read takes
# seconds there, longer than the -d 1 asked for, so the interval is raised to a read's
# time and the status line says so; while a later read runs the header shows its progress
# against the last read's size, the list keeps the last complete sample until the
# next one comes, and keys are answered meanwhile. In batch mode the raise is said once on standard error. Part of make
# check-live (needs the kernel lab and tmux: tests/lib.sh).
set -u
: "${PAGETOP:=$(pwd)/src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require_lab
require tmux
lab=$KERNEL_LAB
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac

tmp=$(mktemp -d /tmp/pagetop-bigdump.XXXXXX)
sock=pagetop-bigdump-$$
fails=0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$tmp"' EXIT INT TERM

tmux -L "$sock" -u new-session -d -s t -x 120 -y 40 \
	"env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp \
	 $lab/run-vm -i -t 280 -w leak -- env PAGETOP_IFACE=page_owner $PAGETOP -d 1; \
	 echo EXIT=\$? > $tmp/rc; echo DONE; sleep 120"

# sample: the number of the sample the header shows, from the screen captured last
sample() { sed -n 1p "$tmp/screen" | sed -n 's/.*sample \([0-9][0-9]*\).*/\1/p'; }

# the kernel boots under emulation and the first read walks every page frame
wait_for "sample 1" 180 || fail "the UI did not show a first sample"
# the first read took longer than 1 s: said once, and the header's interval follows
wait_for "reading every" 60 || fail "no word of the interval raised"
echo "status: $(grep -F "reading every" "$tmp/screen")"
sed -n 1p "$tmp/screen" | grep -q 'every [1-9][0-9]*\.[0-9] s' &&
	! sed -n 1p "$tmp/screen" | grep -q 'every 1\.0 s' ||
	fail "the header's interval is not raised: $(sed -n 1p "$tmp/screen")"

# a later read: its progress against the last read's size, the last sample still shown
wait_for "of ~" 90 || fail "no progress of a read in the header"
shown=$(sample)
echo "while reading: $(sed -n 1p "$tmp/screen")"
sed -n 1p "$tmp/screen" | grep -q 'reading [0-9.]* [KMG]*i*B of ~[0-9.]* [KMG]iB' ||
	fail "the progress reads: $(sed -n 1p "$tmp/screen")"
[ -n "$shown" ] || fail "no sample number in the header while reading"
sed -n 5p "$tmp/screen" | grep -q '[0-9]' || fail "no rows shown while reading"
# the UI answers keys meanwhile: r reverses the sort during the same read
keys r
grep -q "▲" "$tmp/screen" && fail "▲ on the screen before r"
wait_for "▲" 3 || fail "r not answered while reading"
echo "after r: $(sed -n 3p "$tmp/screen" | cut -c1-60)"
grep -q "of ~" "$tmp/screen" && [ "$(sample)" = "$shown" ] ||
	fail "the read was over before the key was answered"
# the read ends: the next sample replaces the shown one, and the progress goes
if [ -n "$shown" ]; then
	wait_for "sample $((shown + 1))" 90 || fail "no sample after sample $shown"
	capture
	sed -n 1p "$tmp/screen" | grep -q ', reading ' &&
		! sed -n 1p "$tmp/screen" | grep -q 'of ~' &&
		fail "progress without an estimate after a good read: $(sed -n 1p "$tmp/screen")"
fi

# q: pagetop leaves, the guest powers off, the terminal is clean
guest_quit

# batch: three samples, the raise said once on standard error
"$lab/run-vm" -t 280 -w leak -- env PAGETOP_IFACE=page_owner "$PAGETOP" -b -n 3 -d 1 \
	--limit 3 >"$tmp/batch.out" 2>"$tmp/batch.err"
echo "batch: $(grep -c '^pagetop .* sample ' "$tmp/batch.out") samples; $(grep -F 'reading every' "$tmp/batch.err")"
[ "$(grep -c '^pagetop .* sample ' "$tmp/batch.out")" = 3 ] ||
	fail "batch: not 3 samples: $(tail -n 3 "$tmp/batch.err")"
[ "$(grep -c 'reading every' "$tmp/batch.err")" = 1 ] ||
	fail "batch: the raise said $(grep -c 'reading every' "$tmp/batch.err") times, not once"

if [ $fails -gt 0 ]; then
	echo "bigdump-live.sh: $fails failures"
	exit 1
fi
echo "bigdump-live.sh: ok"
exit 0
