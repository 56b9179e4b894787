#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/replay-same.sh - two builds of pagetop print the same replay, byte for byte.
#
#   bench/replay-same.sh OLD NEW RECORDING [OPTION]...
#
# Replays RECORDING (bench/replay.sh's, kept with BENCH_KEEP) through both binaries in
# batch mode with --limit 1 and 20, sorted by pages, delta and score, as text and csv,
# with the OPTIONs added; says each pair that differs and exits 1 then.
set -eu
if [[ $# -lt 3 ]]; then
	echo "usage: $0 OLD NEW RECORDING [OPTION]..." >&2
	exit 2
fi
old=$1 new=$2 rec=$3
shift 3
export LC_ALL=C
rc=0
for lim in 1 20; do
	for key in pages delta score; do
		for fmt in text csv; do
			set -- --limit="$lim" --sort="$key" --format="$fmt" "$@"
			if ! cmp -s <("$old" -b "$@" "$rec") <("$new" -b "$@" "$rec"); then
				echo "replay-same.sh: the outputs differ: $*" >&2
				rc=1
			fi
			shift 3
		done
	done
done
[[ $rc -eq 0 ]] && echo "replay-same.sh: the same output, 12 ways"
exit $rc
