#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/first-screen.sh - how long `pagetop FILE` takes to show its first screen of a
# large show_stacks file, in a real terminal: tmux (a server of its own, 160x40), the
# time from the exec of pagetop to the first capture of the pane that shows the list's
# rows, polled every 5 ms (a capture takes a few ms: the figures are that much late at
# most). RUNS runs (default 5) one after the other; prints each and the median, and writes
# a markdown row to BENCH_OUT/first-screen.md (asked: under 1 s at 1,000,000 stacks).
#
# usage: bench/first-screen.sh FILE
# Environment: PAGETOP (default BUILDDIR/src/pagetop), BUILDDIR, RUNS, BENCH_OUT.
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
BUILDDIR=${BUILDDIR:-$top}
PAGETOP=${PAGETOP:-$BUILDDIR/src/pagetop}
RUNS=${RUNS:-5}
out=${BENCH_OUT:-$BUILDDIR/bench/out}
file=${1:?usage: bench/first-screen.sh FILE}
command -v tmux >/dev/null || { echo "first-screen.sh: tmux is missing: apt-get install -y tmux" >&2; exit 77; }
[ -r "$file" ] || { echo "first-screen.sh: cannot read $file" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
sock=pagetop-first-screen-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
cat "$file" >/dev/null # in the page cache: the parse is timed, not the disk
stacks=$(grep -c '^nr_base_pages:' "$file")

now() { date +%s%N; }
# one run: prints the milliseconds from exec to the rows on screen
one() {
	local start t i
	rm -f "$tmp/start"
	tmux -L "$sock" kill-server 2>/dev/null || true
	# shellcheck disable=SC2016 # expanded by the pane's shell
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 160 -y 40 \
		"sh -c 'date +%s%N > \"\$0\"; exec \"\$1\" \"\$2\"' '$tmp/start' '$PAGETOP' '$file'"
	for ((i = 0; i < 12000; i++)); do
		tmux -L "$sock" capture-pane -p -t t >"$tmp/screen" 2>/dev/null || true
		# the column titles, then a first row with its pages
		if grep -q CALLER "$tmp/screen" &&
			sed -n 5p "$tmp/screen" | grep -Eq '^ *[0-9]+ '; then
			t=$(now)
			break
		fi
		sleep 0.005
	done
	tmux -L "$sock" send-keys -t t q 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		tmux -L "$sock" has-session -t t 2>/dev/null || break
		sleep 0.05
	done
	tmux -L "$sock" kill-server 2>/dev/null || true
	if [ -z "${t:-}" ] || [ ! -s "$tmp/start" ]; then
		echo "first-screen.sh: no first screen within a minute; the last one:" >&2
		cat "$tmp/screen" >&2
		return 1
	fi
	start=$(cat "$tmp/start")
	echo $(((t - start) / 1000000))
}

times=()
for r in $(seq "$RUNS"); do
	ms=$(one)
	times+=("$ms")
	echo "run $r: $ms ms" >&2
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
med=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
lo=$(echo "$sorted" | head -1)
hi=$(echo "$sorted" | tail -1)
met=no
[ "$(awk -v m="$med" 'BEGIN { print (m < 1000) }')" = 1 ] && met=yes
load=$(cut -d' ' -f1 /proc/loadavg)
thousands() { awk -v n="$1" 'BEGIN { s = ""; while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) } print n s }'; }
{
	echo "| the first screen | pagetop | asked | met |"
	echo "|---|---|---|---|"
	echo "| the first screen of a $(thousands "$stacks")-stack \`show_stacks\` file ($(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.0f MB", b / 1e6 }')): \`pagetop FILE\` in tmux, from exec to the rows on screen, runs: $RUNS (load average $load) | min / median / max: $lo / $med / $hi ms (runs: ${times[*]}) | under 1 s | $met |"
} >"$out/first-screen.md"
echo "first screen of $stacks stacks: median $med ms (min $lo, max $hi)"
