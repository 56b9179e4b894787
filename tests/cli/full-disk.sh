#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# full-disk.sh - writing into a full file system (a small tmpfs, filled up): a snapshot
# (w in the UI, under tmux) and the settings (W) fail with the reason on the status line
# and leave nothing behind, neither the name nor a temporary file; pagetop record stops
# with the reason and exit status 1, its file cut back to the last complete sample and
# readable.
#
# Mounting needs root, and the UI tmux (tests/lib.sh: SKIP without them). Where root cannot
# mount (a container without CAP_SYS_ADMIN) a file-size limit stands in for the full disk
# (ulimit -f with SIGXFSZ ignored: writes fail with EFBIG, "File too large"), so the same
# paths are tested everywhere (FULLDISK_NO_MOUNT=1 takes that way where root can mount).
set -u
: "${PAGETOP:=./src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require_root "it mounts a tmpfs"
require tmux
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac

demo=$top_srcdir/tests/data/demo
case $demo in /*) ;; *) demo=$(pwd)/$demo ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-full.XXXXXX")
full=$tmp/full
sock=pagetop-full-$$
fails=0
mounted=0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; [ $mounted = 1 ] && umount "$full"; rm -rf "$tmp"' EXIT INT TERM

mkdir "$full"
# limited BLOCKS CMD...: CMD as it is on the tmpfs, else under a file-size limit of BLOCKS
# 512-byte blocks with SIGXFSZ ignored (inherited through exec)
cat >"$tmp/limited" <<'EOS'
#!/bin/sh
if [ "$1" != - ]; then trap '' XFSZ; ulimit -f "$1"; fi
shift
exec "$@"
EOS
chmod +x "$tmp/limited"
if [ -z "${FULLDISK_NO_MOUNT:-}" ] && mount -t tmpfs -o size=64k,mode=0755 pagetop-test "$full" 2>"$tmp/mount.err"; then
	mounted=1
	reason="No space left on device"
	lim_ui=- lim_full=- lim_part=-
	mkdir -p "$full/cfg/pagetop"
	# fill it up: the last write fails with ENOSPC, which is the point
	dd if=/dev/zero of="$full/filler" bs=1024 count=1024 2>/dev/null
	[ "$(df -P "$full" | awk 'NR == 2 { print $4 }')" = 0 ] || fail "the tmpfs is not full: $(df -P "$full")"
else
	echo "full-disk.sh: cannot mount a tmpfs here ($(cat "$tmp/mount.err" 2>/dev/null)): a file-size limit fills the disk instead"
	reason="File too large"
	# the screen: no byte; pagetop record: 512 bytes, room for its message on standard error
	lim_ui=0 lim_full=1 lim_part=200
	mkdir -p "$full/cfg/pagetop"
fi
ls -A "$full" >"$tmp/before"

echo "full-disk.sh: w and W into a full file system"
tmux -L "$sock" -u new-session -d -s t -x 200 -y 30 \
	"env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$full/cfg HOME=$tmp \
	 $tmp/limited $lim_ui $PAGETOP $demo 2>$tmp/err; echo EXIT=\$? > $tmp/rc; sleep 60"
expect "sample 90/90"
keys w C-u "$full/snap.show_stacks" Enter
expect "cannot write $full/snap.show_stacks: $reason (nothing was left under that name)"
[ -e "$full/snap.show_stacks" ] && fail "a snapshot was left under the name"
keys W
expect "cannot write $full/cfg/pagetop/"
[ -n "$(ls -A "$full/cfg/pagetop")" ] && fail "the settings left files: $(ls -A "$full/cfg/pagetop")"
ls -A "$full" >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || fail "files left behind: $(cat "$tmp/after")"
# still running, and leaves normally
keys q
n=0
while [ ! -s "$tmp/rc" ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
grep -qx EXIT=0 "$tmp/rc" 2>/dev/null || fail "exit status $(cat "$tmp/rc" 2>/dev/null), wanted 0"

echo "full-disk.sh: pagetop record into a full file system"
"$tmp/limited" $lim_full "$PAGETOP" record --from "$demo" -o "$full/rec.ptrec" 2>"$tmp/rec.err"
st=$?
[ "$st" = 1 ] || fail "pagetop record: exit status $st, wanted 1"
grep -q "cannot write $full/rec.ptrec: $reason" "$tmp/rec.err" ||
	fail "pagetop record said '$(cat "$tmp/rec.err")'"

# space runs out part-way (the whole recording is ~150 KiB): the file is cut back to its
# last complete sample with its end line, and reads back
echo "full-disk.sh: pagetop record running out of space part-way"
rm -f "$full/filler" "$full/rec.ptrec"
if [ $mounted = 1 ]; then
	mount -o remount,size=128k "$full" || fail "cannot resize the tmpfs"
fi
"$tmp/limited" $lim_part "$PAGETOP" record --from "$demo" -o "$full/rec.ptrec" 2>"$tmp/rec.err"
st=$?
[ "$st" = 1 ] || fail "pagetop record part-way: exit status $st, wanted 1"
grep -q "$reason" "$tmp/rec.err" || fail "pagetop record part-way said '$(cat "$tmp/rec.err")'"
last=$(tail -n 1 "$full/rec.ptrec")
case $last in
"end "[1-9]*) ;;
*) fail "the cut recording ends with '$last', not with its end line after a sample" ;;
esac
"$PAGETOP" -b "$full/rec.ptrec" >"$tmp/out" 2>"$tmp/out.err" ||
	fail "pagetop -b cannot read the cut recording: $(cat "$tmp/out.err")"
k=$(grep -c '^pagetop .* sample [0-9]' "$tmp/out")
[ "$k" = "${last#end }" ] || fail "the cut recording reads back $k samples, its end line says ${last#end }"

if [ $fails -gt 0 ]; then
	echo "full-disk.sh: $fails failures"
	exit 1
fi
echo "full-disk.sh: ok"
exit 0
