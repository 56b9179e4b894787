#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/allocinfo-6.12.sh - /proc/allocinfo live on the lab's Linux 6.12 (memory
# allocation profiling on) with the leak workload: run by "make check-live".
#
# 1. --allocinfo: bytes and calls per call site; drivers/block/brd.c's brd_insert_page call
#    site is found and grows; no pages anywhere; the header names allocinfo;
# 2. the same with --drop-privileges (pagetop as nobody, a root helper opens the file);
# 3. page_owner stays the default where both are there;
# 4. as an unprivileged user: "permission denied ... run as root", status 1;
# 5. profiling switched off (sysctl vm.mem_profiling=0): said, with how to turn it on;
# 6. the screen (under tmux, run-vm -i): page_owner first, A switches to allocinfo (the
#    header names it, the brd call site is there with CALLS), A back to page_owner, q
#    leaves with status 0.
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
require tmux
[[ -x $PAGETOP ]] || missing "pagetop built ($PAGETOP)" "make"
[[ -r $KERNEL_LAB/6.12/bzImage ]] || missing "the lab's 6.12 kernel ($KERNEL_LAB/6.12)" \
	"a kernel lab with 6.12/"
RUNVM=$KERNEL_LAB/run-vm
PAGETOP=$(cd "$(dirname "$PAGETOP")" && pwd)/$(basename "$PAGETOP")

T=$(mktemp -d /tmp/pagetop-allocinfo.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

SITE='"brd_insert_page \[brd\]"$'
# grows SITE FILE: the call site's bytes (CSV column 5) rise from its first row to its last
grows() {
	# the pattern from the environment: -v would take its backslashes as escapes
	# (gawk: "\[" is "[")
	re=$1 awk -F, '$0 ~ ENVIRON["re"] { if (first == "") first = $5; last = $5; n++ }
		END { exit !(n >= 2 && last > first) }' "$2"
}

cat >"$T/guest.sh" <<GUEST
#!/bin/sh
P=$PAGETOP
O=$T
\$P -b -n 6 -d 1 --allocinfo --format csv >\$O/ai.csv 2>\$O/ai.err; echo \$? >\$O/ai.rc
\$P -b -n 1 --allocinfo --limit 3 >\$O/ai.txt 2>>\$O/ai.err
\$P -b -n 4 -d 1 --allocinfo --drop-privileges --format csv >\$O/priv.csv 2>\$O/priv.err; echo \$? >\$O/priv.rc
\$P -b -n 1 --format json --limit 1 >\$O/default.json 2>\$O/default.err
setpriv --reuid=65534 --regid=65534 --clear-groups \$P -b -n 1 --allocinfo >/dev/null 2>\$O/user.err; echo \$? >\$O/user.rc
sysctl -q vm.mem_profiling=0 2>/dev/null || echo 0 >/proc/sys/vm/mem_profiling
\$P -b -n 1 --allocinfo --limit 1 >/dev/null 2>\$O/off.err; echo \$? >\$O/off.rc
GUEST
chmod 755 "$T/guest.sh"
"$RUNVM" -k 6.12 -w leak -W 5 -t 600 -- sh "$T/guest.sh" >"$T/vm.out" 2>&1 ||
	fail "run-vm: status $?: $(tail -5 "$T/vm.out")"

# 1.
[[ $(cat "$T/ai.rc" 2>/dev/null) == 0 ]] || fail "--allocinfo: status $(cat "$T/ai.rc" 2>/dev/null): $(cat "$T/ai.err")"
head -1 "$T/ai.csv" | grep -q '^sample,time,id,handle,bytes,calls,avg,share,' ||
	fail "--allocinfo CSV header: $(head -1 "$T/ai.csv")"
if grows "$SITE" "$T/ai.csv"; then
	pass "drivers/block/brd.c's brd_insert_page grows: $(grep "$SITE" "$T/ai.csv" | cut -d, -f1,5,6 | tr '\n' ' ')"
else
	fail "brd_insert_page does not grow: $(grep "$SITE" "$T/ai.csv" | cut -d, -f1,5,6 | tr '\n' ' ')"
fi
grep -qiw pages "$T/ai.csv" "$T/ai.txt" && fail "--allocinfo says pages: $(grep -iw pages "$T/ai.csv" "$T/ai.txt" | head -2)"
head -1 "$T/ai.txt" | grep -q ' (allocinfo), sample 1' || fail "header: $(head -1 "$T/ai.txt")"
grep -q 'bytes (.*) in .* calls' "$T/ai.txt" || fail "totals: $(sed -n 2p "$T/ai.txt")"
# 2.
[[ $(cat "$T/priv.rc" 2>/dev/null) == 0 ]] || fail "--drop-privileges: status $(cat "$T/priv.rc" 2>/dev/null): $(cat "$T/priv.err")"
grows "$SITE" "$T/priv.csv" && pass "--drop-privileges: brd_insert_page grows" ||
	fail "--drop-privileges: brd_insert_page does not grow: $(grep "$SITE" "$T/priv.csv" | head -3)"
# 3.
grep -q '"interface":"show_stacks"' "$T/default.json" && pass "page_owner stays the default" ||
	fail "default interface: $(head -c 300 "$T/default.json") $(cat "$T/default.err")"
# 4.
[[ $(cat "$T/user.rc" 2>/dev/null) == 1 ]] && grep -q 'permission denied reading /proc/allocinfo: run as root' "$T/user.err" &&
	pass "unprivileged: $(cat "$T/user.err")" || fail "unprivileged: status $(cat "$T/user.rc" 2>/dev/null): $(cat "$T/user.err")"
# 5.
grep -q 'memory allocation profiling is off (/proc/sys/vm/mem_profiling is 0): turn it on with sysctl vm.mem_profiling=1' "$T/off.err" &&
	pass "profiling off: said" || fail "profiling off: $(cat "$T/off.err")"

# 6.
{
	tmp=$T
	sock=pagetop-ai612-$$
	fails=0
	. "$top_srcdir/tests/cli/tmux-lib.sh"
	trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$T"' EXIT
	tmux -L "$sock" -u new-session -d -s t -x 160 -y 40 \
		"env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=$T \
		 $RUNVM -i -k 6.12 -t 280 -w leak -- $PAGETOP -d 1; \
		 echo EXIT=\$? > $T/tui.rc; echo DONE; sleep 120"
	wait_for ", show_stacks, every 1.0 s" 150 || fail "the UI did not start on page_owner"
	wait_for "sample 2" 60 || fail "no page_owner samples"
	keys A
	wait_for "source: allocinfo (A switches back)" 20 || fail "A: no switch to allocinfo"
	wait_for ", allocinfo, every 1.0 s" 20 || fail "A: the header does not name allocinfo"
	keys / brd_insert Enter
	wait_for "brd_insert_page [brd]" 20 || fail "A: no brd_insert_page call site"
	sed -n 2p "$T/screen" | grep -q ' in [0-9,]* calls' || fail "A: totals $(sed -n 2p "$T/screen")"
	sed -n 4p "$T/screen" | grep -q 'BYTES.*SIZE.*CALLS.*AVG' || fail "A: titles $(sed -n 4p "$T/screen")"
	grep -qw PAGES "$T/screen" && fail "A: allocinfo's screen says PAGES"
	[[ $fails == 0 ]] && pass "A: allocinfo: $(sed -n 1p "$T/screen" | cut -c1-60) / $(grep -m1 'brd_insert_page \[brd\]' "$T/screen" | tr -s ' ')"
	keys A
	wait_for "source: show_stacks (A switches back)" 20 || fail "A again: no switch back"
	wait_for ", show_stacks, every 1.0 s" 20 || fail "A again: the header does not name show_stacks"
	wait_for "PAGES" 20 || fail "A again: no PAGES column"
	grep -q 'CALLS' "$T/screen" && fail "A again: page_owner's screen has CALLS"
	keys q
	n=0
	while [[ ! -s $T/tui.rc && $n -lt 600 ]]; do sleep 0.1; n=$((n + 1)); done
	grep -qx "EXIT=0" "$T/tui.rc" 2>/dev/null && pass "A: back to page_owner, q: status 0" ||
		fail "the screen's exit status: $(cat "$T/tui.rc" 2>/dev/null)"
	failures=$((failures + fails))
}

[[ $failures == 0 ]] || exit 1
exit 0
