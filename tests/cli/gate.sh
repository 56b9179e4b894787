#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gate.sh - --fail-if, the leak gate, on the bundled recording: its [brd] ramdisk leak
# trips delta_base>... (status 3, the rows on standard error, escaped), a quiet input
# passes (0), pagetop diff gates on its own columns, and bad expressions are usage
# errors (2) that name what was expected.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
lab=$data/lab.ptrec.xz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-gate.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

ok() {
	passed=$((passed + 1))
}

# run STATUS ARGS...: pagetop ARGS exits with STATUS; stdout in $tmp/out, stderr in $tmp/err
run() {
	want=$1
	shift
	"$PAGETOP" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "pagetop $*: exit status $rc, expected $want"
		sed 's/^/  stderr: /' "$tmp/err"
		return 1
	fi
	ok
	return 0
}

# err_is TEXT: standard error is exactly TEXT
err_is() {
	if [ -n "$1" ]; then printf '%s\n' "$1"; fi >"$tmp/want"
	if cmp -s "$tmp/err" "$tmp/want"; then
		ok
	else
		fail "standard error differs:"
		diff -u "$tmp/want" "$tmp/err" | sed 's/^/  /'
	fi
}

# -- the leak trips at the last sample: brd grew by 38912 pages from the first
run 3 -b --limit 1 --format csv "$lab@last" --fail-if 'delta_base>5000' &&
	err_is 'pagetop: delta_base>5000 at sample 89: brd_submit_bio [brd] (delta_base 38912)'
# the sample that tripped is printed in full on standard output
[ "$(grep -c brd_submit_bio "$tmp/out")" = 1 ] && ok || fail "@last: the brd row is not printed"

# -- the gate stops the run after the first sample that meets it (88 of 0..89), and
# checks rows that --limit does not print
run 3 -b --format csv --limit 1 --sort label "$lab" --fail-if 'delta_base>38500' &&
	err_is 'pagetop: delta_base>38500 at sample 88: brd_submit_bio [brd] (delta_base 38912)'
last=$(tail -n 1 "$tmp/out" | cut -d, -f1)
[ "$last" = 88 ] && ok || fail "the run went on after the gate tripped: last sample $last"

# -- "any": the second condition alone trips; shares and bytes
run 3 -b "$lab@last" --fail-if 'delta_base>1G, score>=0.98' &&
	err_is 'pagetop: score>=0.98 at sample 89: brd_submit_bio [brd] (score 0.98)'
run 3 -b "$lab@last" --fail-if 'pages>50%' &&
	err_is 'pagetop: pages>50% at sample 89: brd_submit_bio [brd] (pages 39936)'
run 3 -b "$lab@last" --fail-if 'bytes>=156M' &&
	err_is 'pagetop: bytes>=156M at sample 89: brd_submit_bio [brd] (bytes 163577856)'
run 3 -b "$lab@88" --fail-if 'rate>500' &&
	err_is 'pagetop: rate>500 at sample 88: brd_submit_bio [brd] (rate 507.4)'

# -- quiet: the same recording under a higher bar, a single snapshot, a filter
run 0 -b "$lab" --fail-if 'delta_base>50000,score>0.99' && err_is ''
run 0 -b "$data/plain/0030.show_stacks" --fail-if 'delta_base>0,delta>0,rate>0'
run 0 -b "$lab" --filter '!brd' --fail-if 'delta_base>5000'
# the output is the same as without the gate
"$PAGETOP" -b --format csv "$lab" >"$tmp/plain" 2>/dev/null
"$PAGETOP" -b --format csv "$lab" --fail-if 'pages>100%' >"$tmp/out" 2>/dev/null
cmp -s "$tmp/plain" "$tmp/out" && ok || fail "--fail-if changed a passing run's output"

# -- many rows: at most 20 said, the rest counted
run 3 -b "$lab@0" --fail-if 'pages>=0'
n=$(wc -l <"$tmp/err")
[ "$n" = 21 ] && ok || fail "pages>=0: $n lines on standard error, expected 21"
tail -n 1 "$tmp/err" | grep -q '^pagetop: --fail-if: and [0-9]* more rows$' && ok ||
	fail "pages>=0: no count of the rows not said"

# -- control characters of a label are escaped as in every message
if [ -e "$data/bad/escape.show_stacks" ]; then
	run 3 -b "$data/bad/escape.show_stacks" --fail-if 'pages>=0'
	if LC_ALL=C tr -d '\n' <"$tmp/err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		fail "a control character reached standard error"
	else
		ok
	fi
fi

# -- pagetop diff
run 3 diff --limit 1 "$lab@first" "$lab" --fail-if 'delta>30000' &&
	err_is 'pagetop: delta>30000: brd_submit_bio [brd] (delta 38912)'
run 3 diff "$lab@first" "$lab" --fail-if 'bytes>=152M' &&
	err_is 'pagetop: bytes>=152M: brd_submit_bio [brd] (bytes 159383552)'
run 3 diff "$lab@first" "$lab" --fail-if 'pages_b>50%'
run 0 diff "$lab@first" "$lab" --fail-if 'delta>40000,pages_a>1G' && err_is ''
run 2 diff "$lab@first" "$lab" --fail-if 'score>0.9' &&
	err_is "pagetop: --fail-if: expected a column (pages, bytes, delta, pages_a, pages_b) at the start of 'score>0.9'
Try 'pagetop diff --help' for more information."

# -- bad expressions: usage errors naming what was expected
run 2 -b "$lab" --fail-if 'delta_base>5k0' &&
	err_is "pagetop: --fail-if: expected pages (5000), bytes (64M) or a share of the total (1%) after 'delta_base>' in 'delta_base>5k0'
Try 'pagetop --help' for more information."
run 2 -b "$lab" --fail-if 'leak>1' &&
	err_is "pagetop: --fail-if: expected a column (pages, bytes, delta, rate, delta_base, peak, score) at the start of 'leak>1'
Try 'pagetop --help' for more information."
run 2 "$lab" --fail-if 'pages>1' &&
	err_is "pagetop: --fail-if checks the samples of batch mode: add -b
Try 'pagetop --help' for more information."

echo "gate.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
