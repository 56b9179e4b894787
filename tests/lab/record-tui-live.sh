#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# record-tui-live.sh - R in the screen on the live per-block dump of a real page_owner
# kernel (the lab's run-vm -i, under tmux, with the leak workload; a folder that has only
# /sys/kernel/debug/page_owner stands for debugfs, as before 6.9) records the blocks:
# replayed in batch, --group pid,comm counts the pages the screen showed for the last
# recorded sample, and --older-than 1s selects some of them but not all (the leak's
# blocks are younger). Part of make check-live (needs the kernel lab and tmux).
set -u
: "${PAGETOP:=$(pwd)/src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require_lab
require tmux
lab=$KERNEL_LAB
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac

tmp=$(mktemp -d /tmp/pagetop-rectui.XXXXXX)
chmod 755 "$tmp"
sock=pagetop-rectui-live-$$
fails=0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/guest.sh" <<'GUEST'
#!/bin/sh
# in the guest: $1 a folder of the host's /tmp, $2 pagetop
mkdir -p "$1/dbg" && ln -s /sys/kernel/debug/page_owner "$1/dbg/page_owner"
PAGETOP_DEBUGFS_MOUNTED=1 exec "$2" --debugfs "$1/dbg" -d 3
GUEST
chmod 755 "$tmp/guest.sh"

tmux -L "$sock" -u new-session -d -s t -x 120 -y 40 \
	"env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp \
	 $lab/run-vm -i -t 280 -w leak -- $tmp/guest.sh $tmp $PAGETOP; \
	 echo EXIT=\$? > $tmp/rc; echo DONE; sleep 120"

# the REC counter on line 3
recorded() {
	capture
	sed -n '3s/.*REC[^(]*(\([0-9][0-9]*\)).*/\1/p' "$tmp/screen"
}

# wait_recorded N: until the recording has N samples (a read takes seconds here)
wait_recorded() {
	n=0
	while k=$(recorded); [ -z "$k" ] || [ "$k" -lt "$1" ]; do
		n=$((n + 1))
		[ $n -gt 1200 ] && { fail "the recording does not reach $1 samples"; return 1; }
		sleep 0.1
	done
	return 0
}

rec=$tmp/live.ptrec
# the kernel boots under emulation: give it time
wait_for "page_owner, every" 150 || fail "the screen did not open in the guest"
wait_for "sample 2" 60 || fail "no second sample"
keys R C-u "$rec" Enter
wait_for "from the next read, with its blocks" 20 || fail "R on the dump: not the blocks"
wait_recorded 2
# stop right after a read: the screen shows the last recorded sample (the next read is
# seconds away)
k=$(recorded)
wait_recorded $((k + 1))
keys R
wait_for "closed: " 20 || fail "R did not stop the recording"
capture
shown=$(sed -n '1s/.*sample \([0-9][0-9]*\)$/\1/p' "$tmp/screen")
pages=$(sed -n '2s/^Total \([0-9,]*\) pages.*/\1/p' "$tmp/screen")
guest_quit "page_owner, every"

tail -n 1 "$rec" | grep -q '^end ' || fail "the recording has no end line"
[ "$(grep -c '^a ' "$rec")" -gt 1000 ] || fail "the recording has $(grep -c '^a ' "$rec") blocks"
grep -q '^meta boot-time ' "$rec" || fail "no boot-time in the recording"
last=$(sed -n 's/^t \([0-9]*\) .*/\1/p' "$rec" | tail -n 1)
[ -n "$shown" ] && [ "$shown" = $((last + 1)) ] ||
	fail "the screen showed sample $shown, the recording ends at $((last + 1))"

"$PAGETOP" -b --group pid,comm "$rec@last" >"$tmp/out" 2>"$tmp/err" ||
	fail "--group pid,comm on the recording: $(cat "$tmp/err")"
sed -n 2p "$tmp/out" | grep -q " of [0-9,]* blocks, $pages pages " ||
	fail "--group pid,comm: not the screen's $pages pages: $(sed -n 2p "$tmp/out")"
grep -q 'swapper' "$tmp/out" ||
	fail "--group pid,comm: no swapper task: $(head -n 8 "$tmp/out")"
"$PAGETOP" -b --older-than 1s "$rec@last" >"$tmp/old" 2>"$tmp/err" ||
	fail "--older-than 1s on the recording: $(cat "$tmp/err")"
sed -n 2p "$tmp/old" | grep -Eq '^Selected ([0-9,]+) blocks, ([0-9,]+) pages .* of \1 blocks, \2 pages' &&
	fail "older than 1s selects every page: $(sed -n 2p "$tmp/old")"
sed -n 2p "$tmp/old" | grep -Eq '^Selected 0 blocks' && fail "older than 1s selects nothing"
sed -n 2p "$tmp/old" | grep -q " of [0-9,]* blocks, $pages pages " ||
	fail "--older-than 1s: not of the screen's $pages pages: $(sed -n 2p "$tmp/old")"

if [ $fails -gt 0 ]; then
	echo "record-tui-live.sh: $fails failures"
	exit 1
fi
echo "record-tui-live.sh: ok: $pages pages at sample $shown; older than 1s: $(sed -n '2s/^Selected [0-9,]* blocks, \([0-9,]*\) pages.*/\1/p' "$tmp/old") pages"
exit 0
