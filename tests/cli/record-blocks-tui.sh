#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# record-blocks-tui.sh - R in the screen on a live per-block dump records the blocks as
# pagetop record does: a fake debugfs with only page_owner (a real Linux 7.3.4 dump from
# tests/data/attrib-series) and a fixed /proc/uptime; the screen's recording is the file
# pagetop record writes of the same reads but for the times; replayed, --group pid,comm
# and --older-than answer as the dump does. Then the dump changes under the screen (the
# next dump of the series): the recording follows it, sample by sample. tmux drives the
# real binary (tests/cli/tmux-lib.sh).
set -u
: "${PAGETOP:=./src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require tmux
require xz xz-utils
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac
LC_ALL=C.UTF-8
export LC_ALL

data=$top_srcdir/tests/data/attrib-series
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-recblktui.XXXXXX") || exit 99
sock=pagetop-recblktui-$$
fails=0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$tmp/dbg" || exit 99
xz -dc "$data/0001.page_owner.xz" >"$tmp/d1" && xz -dc "$data/0002.page_owner.xz" >"$tmp/d2" ||
	exit 99
cp "$tmp/d1" "$tmp/dbg/page_owner" || exit 99
cp "$data/0001.uptime" "$tmp/uptime" || exit 99
up=$(cut -d' ' -f1 "$tmp/uptime")
PAGETOP_DEBUGFS_MOUNTED=1
PAGETOP_UPTIME=$tmp/uptime
export PAGETOP_DEBUGFS_MOUNTED PAGETOP_UPTIME

# what may differ between two recordings of the same reads: when they were made (the
# meta lines that say it are kept, their times masked)
untimed() {
	grep -v -e '^[tm] ' -e '^e ' -e '^end ' "$1" |
		sed -e 's/^meta start .*/meta start T/' -e 's/^meta boot-time .*/meta boot-time T/'
}

# the REC counter on line 3
recorded() {
	capture
	sed -n '3s/.*REC[^(]*(\([0-9][0-9]*\)).*/\1/p' "$tmp/screen"
}

# wait_recorded N: until the recording has N samples
wait_recorded() {
	n=0
	while [ "$(recorded)" -lt "$1" ] 2>/dev/null || [ -z "$(recorded)" ]; do
		n=$((n + 1))
		[ $n -gt 300 ] && { fail "the recording does not reach $1 samples"; return 1; }
		sleep 0.1
	done
	return 0
}

# ---- the same reads as pagetop record ----
"$PAGETOP" record --debugfs "$tmp/dbg" -n 2 -d 0.5 -o "$tmp/ref.ptrec" 2>"$tmp/err" ||
	fail "pagetop record: $(cat "$tmp/err")"
grep -q '^a ' "$tmp/ref.ptrec" || fail "pagetop record wrote no blocks"

tmux -L "$sock" -u new-session -d -s t -x 120 -y 40 \
	"env TERM=xterm-256color XDG_CONFIG_HOME=$tmp HOME=$tmp \
	 $PAGETOP --debugfs $tmp/dbg -d 0.5; echo EXIT=\$? > $tmp/rc; echo DONE; sleep 30"
expect "sample 2"
keys R C-u "$tmp/ui.ptrec" Enter
expect "from the next read, with its blocks"
wait_recorded 2
keys R
expect "closed: "
capture
k=$(sed -n 's/.*recording .* closed: \([0-9]*\) samples\{0,1\}.*/\1/p' "$tmp/screen")
untimed "$tmp/ref.ptrec" >"$tmp/ref.txt"
untimed "$tmp/ui.ptrec" >"$tmp/ui.txt"
cmp -s "$tmp/ref.txt" "$tmp/ui.txt" ||
	fail "the screen's recording is not pagetop record's: $(diff "$tmp/ref.txt" "$tmp/ui.txt" | head -5)"
[ "$(grep -c '^t ' "$tmp/ui.ptrec")" = "$k" ] || fail "the status said $k samples"
tail -n 1 "$tmp/ui.ptrec" | grep -q '^end ' || fail "the recording has no end line"

# replayed, the per-block keys answer as the dump with the read's time (csv's first
# column is the sample's number)
rows() {
	cut -d, -f2- "$1"
}
for args in "--group pid,comm" "--older-than 30s" "--group comm,age"; do
	# shellcheck disable=SC2086
	"$PAGETOP" -b --format csv $args --now "$up" "$tmp/d1" >"$tmp/a" 2>"$tmp/aerr" ||
		fail "the dump, $args: $(cat "$tmp/aerr")"
	# shellcheck disable=SC2086
	"$PAGETOP" -b --format csv $args "$tmp/ui.ptrec@last" >"$tmp/b" 2>"$tmp/berr" ||
		fail "the screen's recording, $args: $(cat "$tmp/berr")"
	rows "$tmp/a" >"$tmp/an"
	rows "$tmp/b" >"$tmp/bn"
	[ "$(wc -l <"$tmp/an")" -gt 1 ] && cmp -s "$tmp/an" "$tmp/bn" ||
		fail "$args: the recording does not answer as the dump: $(diff "$tmp/an" "$tmp/bn" | head -5)"
done

# ---- the dump changes while the screen records ----
keys R C-u "$tmp/ui2.ptrec" Enter
expect "from the next read, with its blocks"
wait_recorded 1
cp "$tmp/d2" "$tmp/dbg/page_owner.new" && mv "$tmp/dbg/page_owner.new" "$tmp/dbg/page_owner" ||
	exit 99
# the second read after the change started after it
k=$(recorded)
wait_recorded $((k + 2))
keys q
wait_for DONE 20 || fail "q did not leave"
grep -qx 'EXIT=0' "$tmp/rc" 2>/dev/null || fail "exit status: $(cat "$tmp/rc" 2>/dev/null)"
tail -n 1 "$tmp/ui2.ptrec" | grep -q '^end ' || fail "q: the recording has no end line"
grep -q '^d ' "$tmp/ui2.ptrec" || fail "no block went when the dump changed"
"$PAGETOP" -b --format csv --group pid,comm "$tmp/d1" | cut -d, -f2- >"$tmp/a1"
"$PAGETOP" -b --format csv --group pid,comm "$tmp/d2" | cut -d, -f2- >"$tmp/a2"
"$PAGETOP" -b --format csv --group pid,comm "$tmp/ui2.ptrec@0" | cut -d, -f2- >"$tmp/b0"
"$PAGETOP" -b --format csv --group pid,comm "$tmp/ui2.ptrec@last" | cut -d, -f2- >"$tmp/bl"
cmp -s "$tmp/a1" "$tmp/b0" || fail "sample 0 is not the first dump: $(diff "$tmp/a1" "$tmp/b0" | head -5)"
cmp -s "$tmp/a2" "$tmp/bl" || fail "the last sample is not the second dump: $(diff "$tmp/a2" "$tmp/bl" | head -5)"

if [ $fails -gt 0 ]; then
	echo "record-blocks-tui.sh: $fails failures"
	exit 1
fi
echo "record-blocks-tui.sh: ok"
exit 0
