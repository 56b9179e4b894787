#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attrib-tui-live.sh - the blocks' screen live on a real page_owner kernel (the lab's
# run-vm -i, under tmux) with the leak workload, on the per-block dump alone (a folder
# that has only /sys/kernel/debug/page_owner stands for debugfs, as before 6.9): --group
# age opens it with the read's time from the guest's /proc/uptime (the boot was less
# than a minute ago: every block is "<1m"), f older=1s selects fewer pages than all (the
# leak's are younger), g goes back to the stacks and on to pid, Enter opens a task into
# its stacks; q leaves the terminal clean. Part of make check-live (needs the kernel
# lab and tmux).
set -u
: "${PAGETOP:=$(pwd)/src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require_lab
require tmux
lab=$KERNEL_LAB
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac

tmp=$(mktemp -d /tmp/pagetop-attribtui.XXXXXX)
chmod 755 "$tmp"
sock=pagetop-attrib-live-$$
fails=0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/guest.sh" <<'GUEST'
#!/bin/sh
# in the guest: $1 a folder of the host's /tmp, $2 pagetop
mkdir -p "$1/dbg" && ln -s /sys/kernel/debug/page_owner "$1/dbg/page_owner"
PAGETOP_DEBUGFS_MOUNTED=1 exec "$2" --debugfs "$1/dbg" --group age -d 2
GUEST
chmod 755 "$tmp/guest.sh"

tmux -L "$sock" -u new-session -d -s t -x 120 -y 40 \
	"env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp \
	 $lab/run-vm -i -t 280 -w leak -- $tmp/guest.sh $tmp $PAGETOP; \
	 echo EXIT=\$? > $tmp/rc; echo DONE; sleep 120"

# the kernel boots under emulation: give it time
wait_for "blocks by age > stack" 150 || fail "the blocks' screen did not open in the guest"
wait_for "s since boot)" 60 || fail "no read time: $(sed -n 3p "$tmp/screen")"
wait_for "% " 60 || fail "no rows"
capture
grep -q '▸ <1m$' "$tmp/screen" || fail "no '<1m' row a minute after the boot"
grep -Eq '▸ (1m-10m|10m-1h|1h-1d|>=1d)$' "$tmp/screen" && fail "blocks older than the boot"
# every block is selected: "N of N pages"
sed -n 2p "$tmp/screen" | grep -Eq '^([0-9,]+) of \1 pages' ||
	fail "not every block: $(sed -n 2p "$tmp/screen")"

# f older=1s: the boot's early blocks, not the leak's new ones
keys f
keys "older=1s" Enter
wait_for "selected: older than 1s" 20 || fail "the selection was not taken"
capture
sed -n 2p "$tmp/screen" | grep -Eq '^([0-9,]+) of \1 pages' &&
	fail "older than 1s selects every page: $(sed -n 2p "$tmp/screen")"
sed -n 2p "$tmp/screen" | grep -Eq '^0 of ' && fail "older than 1s selects nothing"

# g after age: the list's stacks; five more: by pid; Enter opens the first task
keys F g
wait_for "group stack" 20 || fail "g after age did not go back to the stacks"
keys g g g g g
wait_for "blocks by pid > stack" 20 || fail "g did not go on to pid"
keys Enter
wait_for "  ▸ " 20 || fail "no stacks under the first task"

guest_quit "AVG_ORDER"

if [ $fails -gt 0 ]; then
	echo "attrib-tui-live.sh: $fails failures"
	exit 1
fi
echo "attrib-tui-live.sh: ok"
exit 0
