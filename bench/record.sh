#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/record.sh - can "pagetop record" keep up with 100k stacks every second? And what
# does a live tick cost per interface on the lab kernel?
#
#   bench/record.sh            synthetic: STACKS (default 100000) stacks of 16 frames
#   bench/record.sh --lab      also the lab kernel (../shared/kernel-lab, or KERNEL_LAB)
#
# Synthetic numbers: converting snapshots where EVERY count changes each sample (the worst
# case for a recording), replaying the result, and live ticks on fake debugfs trees
# (show_stacks, and the 6.19+ handles files) read every second.
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
PAGETOP=${PAGETOP:-$top/src/pagetop}
N=${STACKS:-100000}
SAMPLES=${SAMPLES:-10}
KERNEL_LAB=${KERNEL_LAB:-$top/../shared/kernel-lab}
export LC_ALL=C

T=$(mktemp -d /tmp/pagetop-bench.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT

# gen SEED DELTA FORMAT: N stacks of 16 frames over a pool of 5000 function names (so
# frames repeat across stacks as real ones do); counts are 1 + (i * 7 + DELTA) % 4096.
# FORMAT stacks: show_stacks; sh: show_stacks_handles; h: show_handles.
gen() {
	awk -v n="$N" -v seed="$1" -v delta="$2" -v fmt="$3" 'BEGIN {
		srand(seed)
		for (f = 0; f < 5000; f++)
			name[f] = sprintf("fn_%04d_%s+0x%x/0x%x", f, substr("abcdefghijklmnop", f % 16 + 1, 4), f % 700 + 1, f % 700 + 900)
		for (i = 0; i < n; i++) {
			h = 1000003 + i * 64
			if (fmt != "h") {
				r = i
				for (k = 0; k < 16; k++) {
					r = (r * 1103515245 + 12345 + k) % 2147483648
					printf " %s%s\n", name[k < 4 ? k : r % 5000], (k == 9 && i % 3 == 0) ? " [brd]" : ""
				}
			}
			c = 1 + (i * 7 + delta) % 4096
			if (fmt == "stacks") printf "nr_base_pages: %d\n\n", c
			else if (fmt == "sh") printf "handle: %d\n\n", h
			else printf "handle: %d\nnr_base_pages: %d\n\n", h, c
		}
	}'
}

echo "pagetop record benchmark: $N stacks, $SAMPLES samples, $(nproc) CPUs"
gen 1 0 stacks > "$T/a.show_stacks"
gen 1 1 stacks > "$T/b.show_stacks"
echo "snapshot: $(du -h "$T/a.show_stacks" | cut -f1) per show_stacks file"

# 1. conversion: every count changes every sample
args=()
for ((i = 0; i < SAMPLES; i++)); do
	if ((i % 2)); then args+=("$T/b.show_stacks"); else args+=("$T/a.show_stacks"); fi
done
t0=$(date +%s.%N)
"$PAGETOP" record -v --from "${args[@]}" -o "$T/all.ptrec" 2> "$T/conv.log"
t1=$(date +%s.%N)
size=$(stat -c %s "$T/all.ptrec")
awk -v t0="$t0" -v t1="$t1" -v n="$SAMPLES" -v s="$size" -v N="$N" 'BEGIN {
	ms = (t1 - t0) * 1000 / n
	printf "convert (parse + record), all %d counts changing: %.0f ms per sample, %.1f MB written\n", N, ms, s / 1e6
	printf "  keeps up with one sample a second: %s (%.0f%% of the second)\n", ms < 1000 ? "yes" : "NO", ms / 10
}'
first=$(grep -n '^t 1 ' "$T/all.ptrec" | cut -d: -f1)
echo "  first sample (stack definitions): $(head -n "$((first - 1))" "$T/all.ptrec" | wc -c) bytes; each later sample: $(( ($(wc -c < "$T/all.ptrec") - $(head -n "$((first - 1))" "$T/all.ptrec" | wc -c)) / (SAMPLES - 1) )) bytes"

# 2. replay
t0=$(date +%s.%N)
"$PAGETOP" record --from "$T/all.ptrec" -o "$T/again.ptrec"
t1=$(date +%s.%N)
awk -v t0="$t0" -v t1="$t1" -v n="$SAMPLES" 'BEGIN { printf "replay (read a recording, feed every non-zero count, record again): %.0f ms per sample\n", (t1 - t0) * 1000 / n }'

# 3. live ticks on fake trees, one a second
live() { # live LABEL TREE
	local t0 t1
	t0=$(date +%s.%N)
	"$PAGETOP" record -v --debugfs "$2" -d 1 -n 5 -o "$T/live-$1.ptrec" 2> "$T/live-$1.log"
	t1=$(date +%s.%N)
	echo "live $1, 5 ticks at 1 s in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s:"
	sed 's/^/  /' "$T/live-$1.log"
}
mkdir -p "$T/tree1/page_owner_stacks" "$T/tree2/page_owner_stacks"
cp "$T/a.show_stacks" "$T/tree1/page_owner_stacks/show_stacks"
live show_stacks "$T/tree1"
gen 1 0 sh > "$T/tree2/page_owner_stacks/show_stacks_handles"
gen 1 0 h > "$T/tree2/page_owner_stacks/show_handles"
live handles "$T/tree2"

# 4. the lab kernel: bytes and time per tick for each interface
if [[ ${1:-} == --lab ]]; then
	[[ -x $KERNEL_LAB/run-vm ]] || { echo "no kernel lab at $KERNEL_LAB" >&2; exit 1; }
	cat > "$T/lab.sh" <<'LAB'
#!/bin/bash
for i in handles show_stacks; do
	echo "== $i"
	PAGETOP_IFACE=$i "$1" record -v -d 1 -n 10 -o "$2/lab-$i.ptrec" 2>&1
done
echo "== page_owner"
PAGETOP_IFACE=page_owner "$1" record -v -d 5 -n 3 -o "$2/lab-po.ptrec" 2>&1
LAB
	chmod 755 "$T/lab.sh"
	echo "lab kernel (qemu without KVM: times are emulated, compare them with each other):"
	"$KERNEL_LAB/run-vm" -t 300 -w leak -W 3 -- "$T/lab.sh" "$PAGETOP" "$T" | sed 's/^/  /'
fi
