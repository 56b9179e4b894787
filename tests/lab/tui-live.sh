#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tui-live.sh - the UI on a real page_owner kernel (the lab's run-vm -i, under tmux), with
# the leak workload: a ramdisk in [brd] grows by 2 MiB a second. Sorted by the change
# since the baseline, the [brd] row must reach the top; expanding it must show its
# frames; q must leave the terminal clean. Part of make check-live (needs the kernel lab
# and tmux: tests/lib.sh).
set -u
: "${PAGETOP:=$(pwd)/src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require_lab
require tmux
lab=$KERNEL_LAB
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac

tmp=$(mktemp -d /tmp/pagetop-tuilive.XXXXXX)
sock=pagetop-live-$$
fails=0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$tmp"' EXIT INT TERM

tmux -L "$sock" -u new-session -d -s t -x 120 -y 40 \
	"env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp \
	 $lab/run-vm -i -t 280 -w leak -- $PAGETOP --sort delta_base -d 1; \
	 echo EXIT=\$? > $tmp/rc; echo DONE; sleep 120"

# the kernel boots under emulation: give it time
wait_for "Sort ΔBASE ▼" 150 || fail "the UI did not start in the guest"
wait_for "sample 3" 60 || fail "no live samples"
# the header's second line relates the stacks to the memory in use (/proc/meminfo)
capture
sed -n 2p "$tmp/screen" | grep -q ' MiB of [0-9.]* [MG]iB in use' ||
	fail "no memory in use in the header: $(sed -n 2p "$tmp/screen")"

# the leak reaches the top of the list (screen line 5)
n=0
until capture; sed -n 5p "$tmp/screen" | grep -q 'brd_submit_bio \[brd\]'; do
	n=$((n + 1))
	[ $n -gt 120 ] && { fail "[brd] never reached the top"; break; }
	sleep 0.5
done

# expanding it shows its frames, the caller marked
keys Enter
wait_for "> brd_submit_bio+" 10 || fail "no frames under the [brd] row"
wait_for "prep_new_page" 5 || fail "no allocator frames under the [brd] row"

# q: pagetop leaves, the guest powers off, the terminal is clean
guest_quit "ΔBASE"

if [ $fails -gt 0 ]; then
	echo "tui-live.sh: $fails failures"
	exit 1
fi
echo "tui-live.sh: ok"
exit 0
