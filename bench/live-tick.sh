#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# live-tick.sh - the cost of one live tick of each kernel interface, on each kernel of the
# kernel lab (qemu, no KVM: times are those of an emulated CPU, for comparing interfaces,
# not machines). Run by bench/run.sh (`make bench`) when the lab is there.
#
# For each kernel (7.3.4: show_handles, show_stacks_handles, show_stacks; 6.12:
# show_stacks, /proc/allocinfo), with the lab's leak workload running:
#   raw: bench/tickread.c reads the whole file as the live source does (seek 0, read to
#        the end), 10 times back to back per round (the guest's clock may step by 4 ms),
#        9 rounds: bytes and milliseconds per read;
#   pagetop: `pagetop record -v` with PAGETOP_IFACE=each interface the kernel has, the
#        bytes and time of its reads per tick (the first sample apart: on 6.19+ it reads
#        every stack's text once).
# Writes a markdown table to BENCH_OUT/live-tick.md and prints it.
#
# usage: bench/live-tick.sh [--quick]
# environment: KERNEL_LAB (default SRCDIR/../shared/kernel-lab), BUILDDIR, PAGETOP,
#   BENCH_OUT (default BUILDDIR/bench/out), CC, KEEP=1 (keep the guest's raw results in
#   /tmp/pagetop-tick.*).
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BUILDDIR:-}" ]; then
	if [ -x "$PWD/src/pagetop" ]; then BUILDDIR=$PWD; else BUILDDIR=$srcdir; fi
fi
BUILDDIR=$(cd "$BUILDDIR" && pwd)
PAGETOP=${PAGETOP:-$BUILDDIR/src/pagetop}
out=${BENCH_OUT:-$BUILDDIR/bench/out}
CC=${CC:-cc}
KERNEL_LAB=${KERNEL_LAB:-$srcdir/../shared/kernel-lab}
reads=9 rep=10 samples=10
[ "${1:-}" = --quick ] && reads=3 rep=3 samples=4

if ! [ -x "$KERNEL_LAB/run-vm" ]; then
	echo "live-tick.sh: no kernel lab in $KERNEL_LAB (set KERNEL_LAB): per-tick costs not measured" >&2
	exit 77
fi
[ -x "$PAGETOP" ] || { echo "live-tick.sh: no pagetop at $PAGETOP (make)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The guest sees the host's /tmp read-write, and the rest of the root read-only.
T=$(mktemp -d /tmp/pagetop-tick.XXXXXX)
chmod 755 "$T"
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
"$CC" -O2 -o "$T/tickread" "$srcdir/bench/tickread.c"

cat > "$T/guest.sh" <<'GUEST'
#!/bin/bash
# in the VM, as root: T PAGETOP READS REP SAMPLES IFACE...
T=$1 PAGETOP=$2 reads=$3 rep=$4 samples=$5
shift 5
d=/sys/kernel/debug/page_owner_stacks
files=()
for f in $d/show_handles $d/show_stacks_handles $d/show_stacks /proc/allocinfo; do
	[ -r $f ] && files+=($f)
done
"$T/tickread" "$reads" "$rep" "${files[@]}" > "$T/raw"
cat /sys/devices/system/clocksource/clocksource0/current_clocksource > "$T/clock" 2>/dev/null
grep -c "^nr_base_pages:" $d/show_stacks > "$T/nstacks"
for i in "$@"; do
	PAGETOP_IFACE=$i "$PAGETOP" record -v -d 1 -n "$samples" -o - 2> "$T/pt-$i" > /dev/null
done
GUEST
chmod 755 "$T/guest.sh"

# kernel: folder option, label, interfaces pagetop can read there
run() { # run LABEL RUNVM-OPTIONS... -- IFACES...
	local label=$1 ifaces
	local opts=()
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	ifaces=("$@")
	mkdir -p "$T/$label"
	cp "$T/tickread" "$T/$label/"
	echo "== $label: booting the lab kernel (${opts[*]:-default})" >&2
	"$KERNEL_LAB/run-vm" "${opts[@]}" -t 300 -w leak -W 3 -- \
		"$T/guest.sh" "$T/$label" "$PAGETOP" "$reads" "$rep" "$samples" "${ifaces[@]}" >&2
}
run 7.3.4 -- handles show_stacks
if [ -r "$KERNEL_LAB/6.12/bzImage" ]; then
	run 6.12 -k 6.12 -- show_stacks
fi

kb() { awk -v b="$1" 'BEGIN { if (b >= 1e6) printf "%.1f MB", b / 1e6; else printf "%.1f KB", b / 1e3 }'; }
range() { # range LO HI UNIT
	if [ "$1" = "$2" ]; then echo "$1${3:-}"; else echo "$1 to $2${3:-}"; fi
}
{
	echo "| kernel | what is read per tick | bytes | ms per read (median; min to max) |"
	echo "|---|---|---|---|"
	for k in 7.3.4 6.12; do
		[ -f "$T/$k/raw" ] || continue
		n=$(cat "$T/$k/nstacks")
		while read -r f bmin bmax tmin tmed tmax; do
			echo "| $k | raw \`${f#/sys/kernel/debug/page_owner_stacks/}\`, whole file | $(range "$(kb "$bmin")" "$(kb "$bmax")") | $tmed; $tmin to $tmax |"
		done < "$T/$k/raw"
		for p in "$T/$k"/pt-*; do
			[ -f "$p" ] || continue
			i=${p##*/pt-}
			# sample N: ...; read B bytes in M ms
			sed -n 's/^sample \([0-9]*\): .*; read \([0-9]*\) bytes in \([0-9.]*\) ms$/\1 \2 \3/p' "$p" |
			awk -v k="$k" -v i="$i" '
				BEGIN { n = 0 }
				$1 == 0 { next } # the first tick of handles reads every stack once
				{ b[n] = $2 + 0; t[n] = $3 + 0; n++ }
				END {
					if (!n) exit
					bl = bh = b[0]; tl = th = t[0]
					for (j = 0; j < n; j++) {
						if (b[j] < bl) bl = b[j]; if (b[j] > bh) bh = b[j]
						if (t[j] < tl) tl = t[j]; if (t[j] > th) th = t[j]
						s[j] = t[j]
					}
					for (x = 0; x < n; x++) for (y = x + 1; y < n; y++) if (s[y] < s[x]) { v = s[x]; s[x] = s[y]; s[y] = v }
					printf "| %s | pagetop, interface %s (%d ticks after the first) | %.1f to %.1f KB | %.1f; %.1f to %.1f |\n",
						k, i, n, bl / 1e3, bh / 1e3, s[int(n / 2)], tl, th
				}'
		done
		echo "| $k | ($n stacks in show_stacks) | | |"
	done
	echo
	echo "Lab kernels under qemu without KVM (an emulated CPU: compare the rows, not machines), the leak workload running; raw reads: bench/tickread.c, $reads rounds of $rep reads per file; pagetop: \`pagetop record -v -d 1 -n $samples\` per interface (PAGETOP_IFACE), its own timing of each tick (reading and parsing), in steps of the guest clock (clock source $(cat "$T/7.3.4/clock" 2>/dev/null || echo unknown): 4 ms steps when it is jiffies). $(date -u +%Y-%m-%d)."
} > "$out/live-tick.md"
cat "$out/live-tick.md"
