#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/screen.sh - the screen's keys at a million stacks: check_tui's headless speed test
# (the one `make check` runs at 100,000 stacks) at STACKS stacks (default 1000000), RUNS
# times (default 3). Prints, for every key in the order the test types it, the CPU time
# of the key with the drawing (min / median / max of the runs) and whether its median is
# within what is asked: 5 ms for a character typed into the search prompt, 50 ms for any
# other key at a million stacks (16 ms below). Writes the table to BENCH_OUT/screen.md.
# Environment: BUILDDIR (where tests/unit/check_tui is), STACKS, RUNS, BENCH_OUT.
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
BUILDDIR=${BUILDDIR:-$top}
N=${STACKS:-1000000}
RUNS=${RUNS:-3}
out=${BENCH_OUT:-$BUILDDIR/bench/out}
prog=$BUILDDIR/tests/unit/check_tui
[ -x "$prog" ] || { echo "screen.sh: no $prog (make tests/unit/check_tui)" >&2; exit 77; }
mkdir -p "$out"
export LC_ALL=C.UTF-8

for r in $(seq "$RUNS"); do
	# the test's own bound off: the numbers are the point here
	PAGETOP_TUI_STACKS=$N PAGETOP_TUI_MAX_MS=1000000 CK_RUN_CASE=speed CK_FORK=yes \
		CK_VERBOSITY=verbose top_srcdir=$top "$prog" > "$out/screen-$r.log" 2>&1 ||
		{ echo "screen.sh: check_tui failed, see $out/screen-$r.log" >&2; exit 1; }
done

# "N stacks: [far |far, waited, |tree ]key K  MS ms (...)": the keys of every run in the
# order typed; a key's place in that order is the same in each run
for r in $(seq "$RUNS"); do
	grep -E "^$N stacks: (far |far, waited, |tree )?key " "$out/screen-$r.log" |
		sed -E "s/^$N stacks: //; s/ ms \\(.*//" |
		awk -v run="$r" '{ ms = $NF; $NF = ""; sub(/ +$/, ""); print run "\t" NR "\t" $0 "\t" ms }'
done | awk -F'\t' -v runs="$RUNS" -v n="$N" '
{
	what[$2] = $3; t[$2, $1] = $4; if ($2 > last) last = $2
}
function sorted(i,   k, a, j, x, m) {
	m = 0
	for (k = 1; k <= runs; k++) if ((i, k) in t) a[++m] = t[i, k] + 0
	for (k = 2; k <= m; k++) { x = a[k]; for (j = k - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
	lo = a[1]; hi = a[m]; med = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	return m
}
BEGIN {
	printf "| the screen at %s stacks (check_tui speed test, %d runs): key, in the order typed | CPU ms, min / median / max | asked | within |\n", n, runs
	print "|---|---|---|---|"
}
END {
	insearch = 0; worst = 0; worst_search = 0
	for (i = 1; i <= last; i++) {
		w = what[i]; k = w; sub(/.*key /, "", k); kind = w; sub(/key .*/, "", kind)
		if (!sorted(i)) continue
		if (kind != lastkind) insearch = 0
		lastkind = kind
		search = (w ~ /^far/ || insearch) && k != "RET" && k != "/"
		limit = search ? 5 : n >= 1000000 ? 50 : 16
		printf "| %s | %.1f / %.1f / %.1f | %d ms | %s |\n", w, lo, med, hi, limit,
		       med <= limit ? "yes" : "**no**"
		if (k == "/") insearch = 1
		if (k == "RET") insearch = 0
		if (search && med > worst_search) worst_search = med
		if (!search && med > worst) worst = med
	}
	printf "\nThe slowest median: %.1f ms for a key, %.1f ms for a search character.\n", worst, worst_search
}' | tee "$out/screen.md"
