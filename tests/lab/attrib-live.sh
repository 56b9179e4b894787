#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/attrib-live.sh - the per-block dump's keys live on a real page_owner kernel
# (the kernel lab, Linux 7.3.4): pagetop reads /sys/kernel/debug/page_owner (a folder that
# has only it stands for debugfs, as on kernels before 6.9) with the leak workload, and
# --older-than and --group age take the read's time from the guest's /proc/uptime: every
# block is older than 0 s, none older than the uptime, the boot's early blocks are older
# than a second, and the boot was less than a minute ago. A live recording of the dump
# keeps the blocks and the reads' times: replayed on the host, its last sample answers the
# same questions. Run by "make check-live".
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
# The guest sees the host's /tmp read-write: results come back through it.
T=$(mktemp -d /tmp/pagetop-attrib-live.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat >"$T/guest.sh" <<'GUEST'
#!/bin/sh
# in the guest: $1 the results folder, $2 pagetop
T=$1 P=$2
mkdir -p "$T/dbg" && ln -s /sys/kernel/debug/page_owner "$T/dbg/page_owner"
cut -d' ' -f1 /proc/uptime >"$T/uptime-before"
pt() { # NAME ARGS...: one live sample of the per-block dump, CSV
	name=$1
	shift
	PAGETOP_DEBUGFS_MOUNTED=1 "$P" -b -n 1 --debugfs "$T/dbg" --format csv "$@" \
		>"$T/$name.csv" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
up=$(cut -d. -f1 /proc/uptime)
pt all --group caller --sort blocks
pt old0 --older-than 0s --group caller
pt older-than-uptime --older-than "$((up + 60))s" --group caller
pt old1 --older-than 1s --group caller
pt age --group age
echo "$up" >"$T/up"
PAGETOP_DEBUGFS_MOUNTED=1 "$P" record -n 2 -d 1 --debugfs "$T/dbg" -o "$T/live.ptrec" \
	2>"$T/rec.err"
echo $? >"$T/rec.rc"
GUEST
chmod 755 "$T/guest.sh"

"$RUNVM" -t 300 -w leak -W 3 -- "$T/guest.sh" "$T" "$PAGETOP" >"$T/vm.out" 2>&1
sed 's/^/  vm: /' "$T/vm.out" | tail -5

blocks() { awk -F'"' 'NR > 1 { split($5, n, ","); b += n[4] } END { print b + 0 }' "$T/$1.csv"; }
caller_blocks() { awk -F'"' -v c="$2" 'NR > 1 && $2 == c { split($5, n, ","); print n[4] }' "$T/$1.csv"; }
for r in all old0 older-than-uptime old1 age; do
	if [[ $(cat "$T/$r.rc" 2>/dev/null) == 0 ]]; then pass "$r: status 0"; else
		fail "$r: status $(cat "$T/$r.rc" 2>/dev/null): $(cat "$T/$r.err" 2>/dev/null)"; fi
done
all=$(blocks all)
if ((all > 1000)); then pass "a live read of the per-block dump: $all blocks"; else fail "live: $all blocks"; fi
# every block: allocated before the read (a second read sees a few more or fewer)
old0=$(blocks old0)
if ((old0 > all * 9 / 10 && old0 < all * 11 / 10)); then pass "--older-than 0s: $old0 blocks, about all"
else fail "--older-than 0s: $old0 blocks of $all"; fi
if [[ $(blocks older-than-uptime) == 0 ]]; then pass "--older-than the uptime: no block"
else fail "--older-than the uptime: $(blocks older-than-uptime) blocks"; fi
early=$(caller_blocks all register_early_stack) early1=$(caller_blocks old1 register_early_stack)
if [[ -n $early && $early == "$early1" ]]; then pass "--older-than 1s: every early boot block ($early)"
else fail "--older-than 1s: early boot blocks $early1 of $early"; fi
if grep -q '^0,age,"<1m",' "$T/age.csv" && ! grep -q '">=1d"' "$T/age.csv"; then
	pass "--group age: booted under a minute ago"
else fail "--group age: $(cat "$T/age.csv")"; fi

# the recording, replayed here: its second sample by the reads' time it kept
if [[ $(cat "$T/rec.rc" 2>/dev/null) == 0 ]] && grep -q '^meta boot-time ' "$T/live.ptrec" &&
	(($(grep -c '^a ' "$T/live.ptrec") > 1000)); then
	pass "a live recording of the dump: $(grep -c '^a ' "$T/live.ptrec") blocks came"
else fail "live recording: status $(cat "$T/rec.rc" 2>/dev/null): $(head -c 300 "$T/rec.err" 2>/dev/null)"; fi
rp() { # NAME ARGS...: the recording's last sample, CSV
	name=$1
	shift
	"$PAGETOP" -b --format csv "$@" "$T/live.ptrec@last" >"$T/$name.csv" 2>"$T/$name.err" ||
		fail "$name: status $?: $(head -c 300 "$T/$name.err")"
}
rp rall --group caller --sort blocks
rp rold0 --older-than 0s --group caller
rp rolder --older-than "$(($(cat "$T/up") + 600))s" --group caller
rp rold1 --older-than 1s --group caller
rp rage --group age
rall=$(blocks rall) rold0=$(blocks rold0)
# most: blocks allocated while the dump was read (seconds under the emulator, while the
# workload writes files) are younger than the read's start
if ((rall > 1000 && rold0 > rall * 3 / 4 && rold0 <= rall)); then
	pass "recording: --older-than 0s: $rold0 of $rall blocks"
else fail "recording: --older-than 0s: $rold0 of $rall blocks"; fi
if [[ $(blocks rolder) == 0 ]]; then pass "recording: --older-than the uptime: no block"
else fail "recording: --older-than the uptime: $(blocks rolder) blocks"; fi
early=$(caller_blocks rall register_early_stack) early1=$(caller_blocks rold1 register_early_stack)
if [[ -n $early && $early == "$early1" ]]; then pass "recording: --older-than 1s: every early boot block ($early)"
else fail "recording: --older-than 1s: early boot blocks $early1 of $early"; fi
if grep -q '^[0-9]*,age,"<1m",' "$T/rage.csv" && ! grep -q '">=1d"' "$T/rage.csv"; then
	pass "recording: --group age: booted under a minute ago"
else fail "recording: --group age: $(head -5 "$T/rage.csv")"; fi

((failures == 0))
