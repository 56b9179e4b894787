#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/live.sh - pagetop on a real page_owner kernel: the kernel lab (qemu, Linux
# 7.3.4 booted with page_owner=on; with LAB_KERNEL=6.12, Linux 6.12 and its show_stacks
# layout: tests/lab/live-6.12.sh). Run by "make check-live".
#
# 1. live batch mode with the leak workload finds the [brd] stack, sees it grow, ranks
#    it first by leak score within 10 samples; each row has the system's counters;
# 2. a recording made in the VM replays on the host to the numbers the recorder saw live;
# 3. count_threshold is back to its value after SIGINT and SIGTERM (pagetop -b and
#    pagetop record);
# 4. as an unprivileged user, and with debugfs unmounted, the right message and status 1;
# 5. debugfs unmounted under a running pagetop -b and mounted again: a warning, retries,
#    and samples again.
# 6. --drop-privileges: pagetop runs as nobody (or SUDO_UID) with a root helper; samples
#    come, count_threshold is unchanged after, and is put back by the helper when pagetop
#    is killed with SIGKILL; debugfs unmounted and mounted again: samples again.
#
# Environment: KERNEL_LAB (default $top_srcdir/../shared/kernel-lab), LAB_KERNEL (empty:
# the lab's default kernel, 7.3.4; 6.12: its second one), PAGETOP, top_srcdir.
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

# What differs between the lab's kernels: the interface, the file that goes away with
# debugfs, the leak's top frame (brd_insert_page is inlined in 7.3.4's brd), the kernel.
LAB_KERNEL=${LAB_KERNEL:-}
case $LAB_KERNEL in
'')
	KOPT=() IFACE=handles DATAFILE=show_handles LEAK='brd_submit_bio [brd]'
	BUILD_ID=39c628f08de750126d96253099dff1f755e473a7 RELEASE=7.3.4 MINGROW=7 ;;
6.12)
	[[ -r $KERNEL_LAB/6.12/bzImage ]] || missing "the lab's 6.12 kernel ($KERNEL_LAB/6.12)" \
		"a kernel lab with 6.12/"
	KOPT=(-k 6.12) IFACE=show_stacks DATAFILE=show_stacks LEAK='brd_insert_page [brd]'
	# its workload loop runs slower under the emulator: 6 of 9 writes measured in 9 s
	BUILD_ID=bcc193c268a1ae82de898d1c3d9259da9e1231c7 RELEASE=6.12.117 MINGROW=5 ;;
*)
	echo "live.sh: LAB_KERNEL=$LAB_KERNEL is not a lab kernel this test knows" >&2
	exit 99 ;;
esac
echo "== kernel ${LAB_KERNEL:-7.3.4}: interface $IFACE, the leak is $LEAK"

# The guest sees the host's /tmp read-write: results come back through it.
T=$(mktemp -d /tmp/pagetop-live.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# ---- 1. the leak, live, in batch mode ----------------------------------------------
echo "== live batch mode with the leak workload"
"$RUNVM" "${KOPT[@]}" -t 240 -w leak -W 3 -- "$PAGETOP" -b -n 10 -d 1 --sort score --format csv \
	> "$T/leak.csv" 2> "$T/leak.err"
rc=$?
check "pagetop -b -n 10 -d 1 --sort score exits 0 (got $rc)" test $rc -eq 0
[[ -s $T/leak.err ]] && sed 's/^/  stderr: /' "$T/leak.err"
# CSV: sample,time,id,handle,pages,bytes,share,delta,rate,delta_base,peak,score,first_seen,label
# rows of a sample come in sort order: the first row of a sample is its rank 1
awk -F, -v out="$T/leak" -v leak="\"$LEAK\"" '
	BEGIN { last = -1 }
	NR == 1 { next }
	$1 != last { last = $1; first[$1] = $NF; n++ }
	$NF == leak && $5 + 0 > pages[$1] + 0 { pages[$1] = $5 }
	END {
		seen = 0; grew = 0; shrank = 0; flat2 = 0; flat = 0; rank1 = -1
		for (i = 0; i < n; i++) {
			if (i in pages) seen++
			if (i > 0) {
				if (pages[i] > pages[i - 1]) { grew++; flat = 0 }
				else { flat++; if (flat >= 2) flat2 = 1 }
				if (pages[i] < pages[i - 1]) shrank++
			}
			if (rank1 < 0 && first[i] == leak) rank1 = i
		}
		printf "%d %d %d %d %d %d %d\n", n, seen, grew, shrank, flat2, rank1,
			pages[n - 1] - pages[0] > out
	}' "$T/leak.csv"
read -r nsamples seen grew shrank flat2 rank1 growth < "$T/leak"
echo "  samples $nsamples, brd seen in $seen, grew in $grew of $((nsamples - 1)) intervals, +$growth pages, first by score at sample $rank1"
check "10 samples" test "$nsamples" -eq 10
check "the $LEAK stack is in every sample" test "$seen" -eq 10
check "it never shrinks" test "$shrank" -eq 0
# The workload adds 2 MiB per loop, and a loop takes a little over a second: a 1 s sample
# can fall between two writes, never two in a row.
check "it grows from sample to sample (never flat twice in a row)" test "$flat2" -eq 0
check "it grew by at least $MINGROW x 2 MiB over 9 s" test "$growth" -ge $((MINGROW * 512))
check "it ranks first by leak score within 10 samples" test "$rank1" -ge 0 -a "$rank1" -le 9
# the system's counters (/proc/meminfo) with every row: mem_in_use, slab, page_tables
check "every row has the system's memory in use, slab and page tables" awk -F, '
	NR == 1 { ok = $14 == "mem_in_use" && $15 == "slab" && $16 == "page_tables"; next }
	!($14 > 0 && $15 > 0 && $16 > 0) { ok = 0 }
	END { exit !ok }' "$T/leak.csv"

# ---- 2-4. recording, threshold, preconditions: one boot ---------------------------
cat > "$T/guest.sh" <<'GUEST'
#!/bin/bash
# runs in the VM, as root; writes results under $T
T=$1 PAGETOP=$2
set -m # background jobs keep SIGINT (a script would start them with it ignored)
thr=/sys/kernel/debug/page_owner_stacks/count_threshold
cat $thr > "$T/thr.orig"

# 2. a recording
"$PAGETOP" record -v -d 1 -n 6 -o "$T/vm.ptrec" 2> "$T/record.log"
echo $? > "$T/record.rc"

# 3. count_threshold after signals
wait_thr() { # wait_thr VALUE PID: up to 20 s, while PID lives
	for ((i = 0; i < 200; i++)); do
		[[ $(cat $thr) == "$1" ]] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
for sig in INT TERM; do
	for mode in batch record; do
		if [[ $mode == batch ]]; then
			"$PAGETOP" -b -d 0.5 --kernel-threshold 5 > /dev/null 2> "$T/$mode-$sig.err" &
		else
			"$PAGETOP" record -d 0.5 --kernel-threshold 5 -o "$T/$mode-$sig.ptrec" 2> "$T/$mode-$sig.err" &
		fi
		pid=$!
		if wait_thr 5 $pid; then echo set > "$T/$mode-$sig.set"; fi
		sleep 1
		kill -$sig $pid
		wait $pid
		echo $? > "$T/$mode-$sig.rc"
		cat $thr > "$T/$mode-$sig.after"
		echo 0 > $thr # whatever happened, the next case starts clean
	done
done

# 5. debugfs goes away under a running pagetop and comes back. A plain umount is refused
# (EBUSY) while pagetop holds the files open: detach it lazily, as an admin would have to.
vanish() { # vanish NAME [OPTION...]: pagetop -b with the options; debugfs goes and comes
	local name=$1 pid i
	shift
	"$PAGETOP" -b -n 12 -d 0.5 "$@" --format csv > "$T/$name.csv" 2> "$T/$name.err" &
	pid=$!
	sleep 2
	umount /sys/kernel/debug 2> /dev/null || umount -l /sys/kernel/debug
	for ((i = 0; i < 100; i++)); do grep -q 'is gone' "$T/$name.err" && break; sleep 0.1; done
	date +%s.%N > "$T/$name.mounted"
	mount -t debugfs none /sys/kernel/debug
	for ((i = 0; i < 600; i++)); do kill -0 $pid 2> /dev/null || break; sleep 0.1; done
	kill -TERM $pid 2> /dev/null
	wait $pid
	echo $? > "$T/$name.rc"
}
vanish vanish

# 6. --drop-privileges
ids() { # ids PID: "uid gid" of a process
	awk '$1 == "Uid:" { u = $3 } $1 == "Gid:" { g = $3 } END { print u, g }' /proc/$1/status
}
helper_of() { # the helper: pagetop's child named pagetop-priv (builtins only: forks are
	# slow under qemu's emulator, and pagetop -n 3 lasts 2 s)
	local c n k v
	for c in /proc/[0-9]*; do
		read -r n < $c/comm 2> /dev/null || continue
		[[ $n == pagetop-priv ]] || continue
		while read -r k v; do
			[[ $k == PPid: ]] || continue
			[[ $v == "$1" ]] && { HELPER=${c#/proc/}; echo $HELPER; return 0; }
			break
		done < $c/status
	done
	return 1
}
ids_into() { # ids_into PID: IDS="uid gid" (effective), with builtins only: no fork
	local k a b c
	IDS=
	while read -r k a b c; do
		case $k in
		Uid:) IDS=$b ;;
		Gid:) IDS="$IDS $b"; break ;;
		esac
	done < /proc/$1/status 2> /dev/null
}
watch_ids() { # watch_ids PID OUT: pagetop's and its helper's ids while it runs
	local i h=
	for ((i = 0; i < 100; i++)); do
		HELPER=
		helper_of $1 > /dev/null && h=$HELPER && break
		kill -0 $1 2> /dev/null || return 1
		sleep 0.1
	done
	# the drop happens once the files are open: wait for pagetop's uid to change, for a
	# whole "uid gid" with the uid no longer root (the gid changes first, and a read of
	# /proc while they change can come back partial); no fork in this loop: pagetop -n 3
	# lasts 2 s, and forks are slow under qemu's emulator
	local mine theirs
	for ((i = 0; i < 1000; i++)); do
		ids_into $1
		mine=$IDS
		[[ $mine =~ ^[1-9][0-9]*\ [0-9]+$ ]] && break
		kill -0 $1 2> /dev/null || break # gone
		read -r -t 0.01 < /dev/zero 2> /dev/null # a pause without a fork
	done
	ids_into $h
	theirs=$IDS
	echo "$mine $theirs" > "$2"
}
"$PAGETOP" -b -n 3 -d 1 --drop-privileges --format csv > "$T/priv.csv" 2> "$T/priv.err" &
pid=$!
watch_ids $pid "$T/priv.ids"
wait $pid
echo $? > "$T/priv.rc"
cat $thr > "$T/priv.after"
SUDO_UID=4242 SUDO_GID=4343 "$PAGETOP" -b -n 3 -d 1 --drop-privileges > /dev/null 2> "$T/priv-sudo.err" &
pid=$!
watch_ids $pid "$T/priv-sudo.ids"
wait $pid
echo $? > "$T/priv-sudo.rc"

"$PAGETOP" -b -d 0.5 --drop-privileges --kernel-threshold 5 > /dev/null 2> "$T/priv-kill.err" &
pid=$!
if wait_thr 5 $pid; then echo set > "$T/priv-kill.set"; fi
helper=$(helper_of $pid)
echo "$helper" > "$T/priv-kill.helper-pid"
ids $pid > "$T/priv-kill.ids"
kill -KILL $pid
wait $pid
echo $? > "$T/priv-kill.rc"
# the helper restores, then exits: wait (bounded) for both
for ((i = 0; i < 100; i++)); do
	[[ $(cat $thr) == "$(cat "$T/thr.orig")" ]] && ! kill -0 "$helper" 2> /dev/null && break
	sleep 0.1
done
cat $thr > "$T/priv-kill.after"
kill -0 "$helper" 2> /dev/null && echo alive > "$T/priv-kill.helper"
echo 0 > $thr

vanish priv-vanish --drop-privileges

# 4. preconditions
setpriv --reuid=65534 --regid=65534 --clear-groups "$PAGETOP" -b -n 1 > /dev/null 2> "$T/nobody.err"
echo $? > "$T/nobody.rc"
setpriv --reuid=65534 --regid=65534 --clear-groups "$PAGETOP" record -n 1 -o - > /dev/null 2> "$T/nobody-record.err"
echo $? > "$T/nobody-record.rc"
umount /sys/kernel/debug
"$PAGETOP" -b -n 1 > /dev/null 2> "$T/umount.err"
echo $? > "$T/umount.rc"
"$PAGETOP" record -n 1 -o - > /dev/null 2> "$T/umount-record.err"
echo $? > "$T/umount-record.rc"
exit 0
GUEST
chmod 755 "$T/guest.sh"
echo "== recording, count_threshold and preconditions"
"$RUNVM" "${KOPT[@]}" -t 240 -w leak -W 2 -- "$T/guest.sh" "$T" "$PAGETOP" > "$T/guest.out" 2>&1
rc=$?
check "the guest script ran (status $rc)" test $rc -eq 0
[[ $rc -eq 0 ]] || sed 's/^/  guest: /' "$T/guest.out"

# 2. the recording: replayed on the host, the same numbers the recorder saw live
check "pagetop record in the VM exits 0" test "$(cat "$T/record.rc" 2>/dev/null)" = 0
sed 's/^/  vm: /' "$T/record.log"
"$PAGETOP" record -v --from "$T/vm.ptrec" -o "$T/host.ptrec" 2> "$T/replay.log"
check "the recording replays on the host" test $? -eq 0
sed 's/; read .*//' "$T/record.log" | grep '^sample ' > "$T/live.sum"
grep '^sample ' "$T/replay.log" > "$T/replay.sum"
check "6 samples recorded" test "$(wc -l < "$T/live.sum")" -eq 6
check "replayed samples have the live stack counts and page totals" cmp -s "$T/live.sum" "$T/replay.sum"
check "the header names the kernel and the interface" grep -qx "meta iface $IFACE" "$T/vm.ptrec"
check "  kernel build id" grep -qx "meta kernel-build-id $BUILD_ID" "$T/vm.ptrec"
check "  module build ids" grep -q '^meta module-build-id brd [0-9a-f]\{40\}$' "$T/vm.ptrec"
check "  kernel release" grep -qx "meta kernel-release $RELEASE" "$T/vm.ptrec"
check "the recording ends cleanly" test "$(tail -n 1 "$T/vm.ptrec")" = "end 6"
"$PAGETOP" -b --format csv "$T/vm.ptrec" > "$T/replay.csv" 2> "$T/replay.err"
check "pagetop -b replays it" test $? -eq 0
check "and shows $LEAK growing" awk -F, -v leak="\"$LEAK\"" '
	$NF == leak && $5 + 0 > p[$1] + 0 { p[$1] = $5; if ($1 > last) last = $1 }
	END { exit !(p[last] > p[0] && p[0] > 0) }' "$T/replay.csv"

# 3. count_threshold
orig=$(cat "$T/thr.orig" 2>/dev/null)
for sig in INT TERM; do
	for mode in batch record; do
		what="$mode, SIG$sig"
		check "$what: count_threshold was set to 5" test -f "$T/$mode-$sig.set"
		check "$what: count_threshold is back to '$orig' (is '$(cat "$T/$mode-$sig.after" 2>/dev/null)')" \
			test "$(cat "$T/$mode-$sig.after" 2>/dev/null)" = "$orig"
		[[ -s $T/$mode-$sig.err ]] && sed "s/^/  $mode $sig: /" "$T/$mode-$sig.err"
	done
	check "record, SIG$sig: ends the file cleanly (status $(cat "$T/record-$sig.rc"))" \
		test "$(cat "$T/record-$sig.rc")" = 0 -a "$(tail -n 1 "$T/record-$sig.ptrec" | cut -d' ' -f1)" = end
done

# 4. preconditions
for who in nobody nobody-record; do
	check "$who: status 1" test "$(cat "$T/$who.rc")" = 1
	check "$who: '$(cat "$T/$who.err")'" \
		grep -qx 'pagetop: permission denied reading /sys/kernel/debug: run as root' "$T/$who.err"
done
for who in umount umount-record; do
	check "$who: status 1" test "$(cat "$T/$who.rc")" = 1
	check "$who: '$(cat "$T/$who.err")'" grep -qx \
		'pagetop: debugfs is not mounted at /sys/kernel/debug: mount -t debugfs none /sys/kernel/debug' \
		"$T/$who.err"
done

# 5. debugfs unmounted and mounted again under pagetop -b
check "vanish: pagetop -b -n 12 goes on and exits 0 (status $(cat "$T/vanish.rc"))" \
	test "$(cat "$T/vanish.rc")" = 0
check "vanish: warns that the files are gone" grep -q "$DATAFILE is gone (debugfs unmounted?); retrying in" "$T/vanish.err"
check "vanish: says when they are back" grep -q '^pagetop: the live source is back after [0-9]* failed reads$' "$T/vanish.err"
check "vanish: 12 samples" test "$(tail -n 1 "$T/vanish.csv" | cut -d, -f1)" = 11
check "vanish: samples after the mount" awk -F, -v t="$(cat "$T/vanish.mounted")" \
	'NR > 1 && $2 + 0 > t + 0 { found = 1 } END { exit !found }' "$T/vanish.csv"
sed 's/^/  vanish: /' "$T/vanish.err"

# 6. --drop-privileges
nobody_ids=$(getent passwd nobody | cut -d: -f3,4 | tr : ' ')
check "drop: pagetop -b -n 3 --drop-privileges exits 0 (status $(cat "$T/priv.rc"))" \
	test "$(cat "$T/priv.rc")" = 0
check "drop: 3 samples with stacks" awk -F, 'NR > 1 { s[$1]++ } END { exit !(length(s) == 3) }' "$T/priv.csv"
check "drop: the system's counters too (/proc/meminfo read as nobody)" awk -F, '
	NR == 1 { ok = $14 == "mem_in_use"; next } !($14 > 0) { ok = 0 } END { exit !ok }' "$T/priv.csv"
echo "  drop: $(awk -F, 'NR > 1 { s[$1]++ } END { for (k in s) printf "sample %s: %d rows; ", k, s[k] }' "$T/priv.csv")"
check "drop: pagetop ran as nobody ($nobody_ids), its helper as root (ids: $(cat "$T/priv.ids" 2>/dev/null))" \
	test "$(cat "$T/priv.ids" 2>/dev/null)" = "$nobody_ids 0 0"
check "drop: count_threshold unchanged after ('$(cat "$T/priv.after")')" test "$(cat "$T/priv.after")" = "$orig"
check "drop, SUDO_UID=4242 SUDO_GID=4343: exits 0" test "$(cat "$T/priv-sudo.rc")" = 0
check "drop, SUDO_UID=4242 SUDO_GID=4343: ran as 4242 4343 (ids: $(cat "$T/priv-sudo.ids" 2>/dev/null))" \
	test "$(cat "$T/priv-sudo.ids" 2>/dev/null)" = "4242 4343 0 0"
[[ -s $T/priv.err ]] && sed 's/^/  drop: /' "$T/priv.err"
check "drop, SIGKILL: count_threshold was set to 5" test -f "$T/priv-kill.set"
check "drop, SIGKILL: pagetop was nobody ($(cat "$T/priv-kill.ids"))" test "$(cat "$T/priv-kill.ids")" = "$nobody_ids"
check "drop, SIGKILL: killed (status $(cat "$T/priv-kill.rc"))" test "$(cat "$T/priv-kill.rc")" = 137
check "drop, SIGKILL: the helper put count_threshold back to '$orig' (is '$(cat "$T/priv-kill.after")')" \
	test "$(cat "$T/priv-kill.after")" = "$orig"
check "drop, SIGKILL: the helper was running (pid '$(cat "$T/priv-kill.helper-pid")')" \
	test -n "$(cat "$T/priv-kill.helper-pid")"
check "drop, SIGKILL: and exited" test ! -f "$T/priv-kill.helper"
check "drop, vanish: goes on and exits 0 (status $(cat "$T/priv-vanish.rc"))" test "$(cat "$T/priv-vanish.rc")" = 0
check "drop, vanish: warns that the files are gone" grep -q "$DATAFILE is gone (debugfs unmounted?); retrying in" "$T/priv-vanish.err"
check "drop, vanish: says when they are back" grep -q '^pagetop: the live source is back after [0-9]* failed reads$' "$T/priv-vanish.err"
check "drop, vanish: 12 samples" test "$(tail -n 1 "$T/priv-vanish.csv" | cut -d, -f1)" = 11
check "drop, vanish: samples after the mount" awk -F, -v t="$(cat "$T/priv-vanish.mounted")" \
	'NR > 1 && $2 + 0 > t + 0 { found = 1 } END { exit !found }' "$T/priv-vanish.csv"
sed 's/^/  drop, vanish: /' "$T/priv-vanish.err"

if ((failures)); then
	echo "live.sh: $failures checks failed"
	exit 1
fi
echo "live.sh: all checks passed (kernel ${LAB_KERNEL:-7.3.4})"
