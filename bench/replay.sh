#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/replay.sh - what a recording costs to replay, next to the text it holds.
#
# A recording of STACKS (default 20000) live stacks of 16 frames over SAMPLES (default
# 300) samples where, per sample, 2% of the live stacks change their count, 2% go (count
# 0) and as many new ones come, as `pagetop record --from` writes it (handle 0). Its
# first sample is also written as show_stacks text. Prints:
#   - peak RSS of `pagetop -b -n 1` on the first sample: the text and the recording;
#   - wall and CPU time of one parse of the text and of the whole replay (`pagetop -b
#     --limit 1`: every sample through the model and a view), median of RUNS.
# Environment: PAGETOP, STACKS, SAMPLES, RUNS (default 5), BENCH_KEEP (a folder to keep
# the inputs in).
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
PAGETOP=${PAGETOP:-$top/src/pagetop}
N=${STACKS:-20000}
S=${SAMPLES:-300}
RUNS=${RUNS:-5}
export LC_ALL=C
command -v /usr/bin/time >/dev/null || { echo "replay.sh: needs GNU time" >&2; exit 77; }

if [[ -n ${BENCH_KEEP:-} ]]; then
	T=$BENCH_KEEP
	mkdir -p "$T"
else
	T=$(mktemp -d /tmp/pagetop-replay.XXXXXX)
	trap 'rm -rf "$T"' EXIT
fi

# The recording, written as the writer writes it: definitions before the sample that
# first counts them, then only the counts that changed. Frames over a pool of 5000
# function names, as bench/record.sh's.
awk -v n="$N" -v ns="$S" -v text="$T/first.show_stacks" 'BEGIN {
	srand(17)
	for (f = 0; f < 5000; f++)
		name[f] = sprintf("fn_%04d_%s+0x%x/0x%x", f, substr("abcdefghijklmnop", f % 16 + 1, 4), f % 700 + 1, f % 700 + 900)
	print "#pagetop-recording 2"
	print "meta pagetop-version bench"
	print "meta source folder"
	print "meta source-name bench"
	print "meta iface show_stacks"
	print "meta unit pages"
	print "meta page-size 4096"
	nid = 0
	nlive = 0
	for (t = 0; t < ns; t++) {
		nch = 0
		if (t == 0) {
			for (i = 0; i < n; i++)
				newstack()
		} else {
			k = int(nlive * 0.02)
			for (j = 0; j < k; j++) { # changes
				x = live[int(rand() * nlive)]
				cnt[x] = 1 + int(rand() * 4096)
				ch[++nch] = x
			}
			for (j = 0; j < k; j++) { # gone
				p = int(rand() * nlive)
				x = live[p]
				live[p] = live[--nlive]
				cnt[x] = 0
				ch[++nch] = x
			}
			for (j = 0; j < k; j++) # new
				newstack()
		}
		printf "t %d %d.000000 0\n", t, 100 + t
		seen_sample++
		m = 0
		for (j = 1; j <= nch; j++) {
			x = ch[j]
			if (done[x] == seen_sample)
				continue
			done[x] = seen_sample
			printf "c %d %d\n", x, cnt[x]
			m++
		}
		printf "e %d %d\n", t, m
	}
	printf "end %d\n", ns
}
function newstack(   r, k, fr) {
	nid++
	printf "s %d 0 16\n", nid
	r = nid
	for (k = 0; k < 16; k++) {
		r = (r * 1103515245 + 12345 + k) % 2147483648
		fr = name[k < 4 ? k : r % 5000] ((k == 9 && nid % 3 == 0) ? " [brd]" : "")
		printf "f %s\n", fr
		if (t == 0)
			printf " %s\n", fr > text
	}
	cnt[nid] = 1 + (nid * 7) % 4096
	if (t == 0)
		printf "nr_base_pages: %d\n\n", cnt[nid] > text
	live[nlive++] = nid
	ch[++nch] = nid
}' > "$T/bench.ptrec"

# median of RUNS runs of a command: "WALL CPU" in seconds, each the median of its own; from
# perf's elapsed time and task-clock when perf is there (GNU time's resolution is 10 ms,
# a quarter of one parse)
timed() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		if command -v perf >/dev/null; then
			perf stat -e task-clock -o "$T/p" "$@" > /dev/null
			awk '/task-clock/ { gsub(",", "", $1); c = $1 / 1000 }
			     /seconds time elapsed/ { w = $1 }
			     END { printf "%.4f %.4f\n", w, c }' "$T/p"
		else
			/usr/bin/time -f '%e %U %S' -o "$T/t" "$@" > /dev/null
			awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$T/t"
		fi
	done > "$T/runs"
	echo "$(med 1) $(med 2)"
}
med() { # the median of column $1 of $T/runs
	cut -d' ' -f"$1" "$T/runs" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
rss() { # peak RSS in KiB
	/usr/bin/time -f '%M' -o "$T/m" "$@" > /dev/null
	cat "$T/m"
}

tsize=$(stat -c %s "$T/first.show_stacks")
rsize=$(stat -c %s "$T/bench.ptrec")
echo "replay benchmark: $N live stacks, $S samples, 2% changing, 2% gone, 2% new a sample; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
echo "first sample as show_stacks: $tsize bytes; the recording: $rsize bytes"
r_text=$(rss "$PAGETOP" -b -n 1 --limit 20 "$T/first.show_stacks")
r_rec=$(rss "$PAGETOP" -b -n 1 --limit 20 "$T/bench.ptrec")
awk -v a="$r_text" -v b="$r_rec" 'BEGIN {
	printf "first sample, peak RSS: text %.1f MiB, recording %.1f MiB: %.2fx (goal <= 2x)\n", a / 1024, b / 1024, b / a }'
read -r w_text c_text < <(timed "$PAGETOP" -b -n 1 --limit 20 "$T/first.show_stacks")
read -r w_rec c_rec < <(timed "$PAGETOP" -b -n "$S" --limit 1 "$T/bench.ptrec")
awk -v wt="$w_text" -v ct="$c_text" -v wr="$w_rec" -v cr="$c_rec" -v s="$S" 'BEGIN {
	printf "one parse of the text: %.3f s wall (%.3f s CPU)\n", wt, ct
	printf "replay of all %d samples: %.2f s wall (%.2f s CPU), %.1f ms of CPU a sample\n", s, wr, cr, cr * 1000 / s
	printf "  replay / one parse: %.1fx wall, %.1fx CPU (goal <= 25x)\n", wr / (wt > 0 ? wt : 0.01), cr / (ct > 0 ? ct : 0.001) }'
