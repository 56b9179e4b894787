#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/attrib-live.sh - the per-block dump's keys live on a real page_owner kernel
# (the kernel lab, Linux 7.3.4): pagetop reads /sys/kernel/debug/page_owner (a folder that
# has only it stands for debugfs, as on kernels before 6.9) with the leak workload, and
# --older-than and --group age take the read's time from the guest's /proc/uptime: every
# block is older than 0 s, none older than the uptime, the boot's early blocks are older
# than a second, and the boot was less than a minute ago. Run by "make check-live".
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

((failures == 0))
