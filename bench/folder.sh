#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/folder.sh - how long does a big folder of snapshots take to open? The time until
# pagetop prints its first sample (-b -n 1) of a folder of FILES (default 100000) small
# show_stacks snapshots, by name kind:
#
#   bench/folder.sh                   snap.000000.show_stacks ... (a suffix: grouped by stem)
#   FILES=20000 bench/folder.sh       another size
#
# Three folders: names with a suffix (NAME.show_stacks, looked up by stem), plain numbered
# names read by content (cat show_stacks > snap.$i), and the same with one name without a
# number among them (times from the files' modification times). Each file is one record,
# so the time is opening the folder, not parsing. Needs GNU time (Debian: time) and bc.
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
PAGETOP=${PAGETOP:-$top/src/pagetop}
N=${FILES:-100000}
RUNS=${RUNS:-3}
export LC_ALL=C

T=$(mktemp -d /tmp/pagetop-bench-folder.XXXXXX)
trap 'rm -rf "$T"' EXIT

# one 4-line record per file: split cuts a file of N records into N files
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf " f%d+0x1/0x2\n prep_new_page+0x17/0x43\nnr_base_pages: %d\n\n", i % 97, 1 + i % 13 }' >"$T/all"
mkdir "$T/suffix" "$T/plain" "$T/mixed"
(cd "$T/suffix" && split -l 4 -a 6 -d --additional-suffix=.show_stacks "$T/all" snap.)
(cd "$T/plain" && split -l 4 -a 6 -d "$T/all" snap.)
(cd "$T/mixed" && split -l 4 -a 6 -d "$T/all" snap. && mv snap.000000 base)

echo "pagetop folder benchmark: $N files per folder, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
echo "(wall time, and CPU time: user + system, which a busy machine inflates less)"
for kind in suffix plain mixed; do
	best=
	for ((r = 0; r < RUNS; r++)); do
		/usr/bin/time -f '%e %U %S' -o "$T/time" \
			"$PAGETOP" -b -n 1 --limit 1 "$T/$kind" >/dev/null 2>"$T/$kind.err"
		read -r wall user sys <"$T/time"
		cpu=$(echo "$user + $sys" | bc)
		if [ -z "$best" ] || [ "$(echo "$cpu < $best" | bc)" = 1 ]; then
			best=$cpu
			bwall=$wall
		fi
	done
	printf '%-7s %8.2f s wall, %7.2f s CPU (the run of least CPU of %d)\n' "$kind" "$bwall" "$best" "$RUNS"
	sed 's/^/        /' "$T/$kind.err" | head -n 3
done
