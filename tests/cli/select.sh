#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# select.sh - SOURCE@SEL on every command: @N, @first, @last, @peak, @-N on the bundled
# recording and the demo folder, in batch output (each format), pagetop diff and pagetop
# record; the sample printed is checked against the same sample found in the whole
# series' output, @peak against the totals of every sample. Bad and out-of-range
# selectors, standard input, and paths that really contain '@'.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
rec=$data/lab.ptrec.xz
demo=$data/demo
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-select.XXXXXX") || exit 99
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

# err_has TEXT WHAT: standard error of the last run says TEXT
err_has() {
	if grep -qF -- "$1" "$tmp/err"; then
		ok
	else
		fail "$2: stderr lacks '$1': $(cat "$tmp/err")"
	fi
}

# -- the whole series, as reference: every sample's CSV rows and JSON total
"$PAGETOP" -b --format csv "$rec" >"$tmp/all.csv" || fail "csv of the whole recording"
"$PAGETOP" -b --format json "$rec" |
	sed -n 's/^{"sample":\([0-9]*\),.*"total":{"pages":\([0-9]*\),.*/\1 \2/p' >"$tmp/totals"
n=$(wc -l <"$tmp/totals")
[ "$n" -eq 90 ] || fail "the recording has $n samples, expected 90"
# the real peak: the first sample of the highest total
peak=$(sort -k2,2nr -k1,1n "$tmp/totals" | head -1 | cut -d' ' -f1)
total_at() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/totals"; }

# csv_is K ARGS...: pagetop -b --format csv ARGS prints sample K of the whole series
csv_is() {
	k=$1
	shift
	run 0 -b --format csv "$@" || return
	{ head -1 "$tmp/all.csv"; awk -F, -v k="$k" '$1 == k' "$tmp/all.csv"; } >"$tmp/want"
	if cmp -s "$tmp/out" "$tmp/want"; then
		ok
	else
		fail "$*: not sample $k of the whole series:"
		diff -u "$tmp/want" "$tmp/out" | head -20 | sed 's/^/  /'
	fi
}

csv_is 40 "$rec@40"
csv_is 0 "$rec@0"
csv_is 0 "$rec@first"
csv_is 89 "$rec@last"
csv_is 89 "$rec@-0"
csv_is 84 "$rec@-5"
csv_is 0 "$rec@-89"
csv_is "$peak" "$rec@peak"
[ "$peak" -gt 0 ] && [ "$peak" -lt 89 ] || fail "the recording's peak is sample $peak: not inside the series"

# -- folded: the stacks of that one sample, adding up to its total
for sel in 40 peak -5; do
	case $sel in
	peak) k=$peak ;;
	-5) k=84 ;;
	*) k=$sel ;;
	esac
	run 0 -b --format folded "$rec@$sel" || continue
	sum=$(awk '{ s += $NF } END { print s + 0 }' "$tmp/out")
	[ "$sum" = "$(total_at "$k")" ] && ok ||
		fail "folded $rec@$sel: $sum pages, sample $k has $(total_at "$k")"
done
# without a selector folded prints the last sample: the same as @last
run 0 -b --format folded "$rec" && cp "$tmp/out" "$tmp/want"
run 0 -b --format folded "$rec@last" && cmp -s "$tmp/out" "$tmp/want" && ok ||
	fail "folded @last differs from folded of the whole series"

# -- text and JSON: one sample, the one asked for (text counts from 1 as the screen)
run 0 -b "$rec@40" && [ "$(grep -c '^pagetop ' "$tmp/out")" -eq 1 ] &&
	grep -q '^pagetop .*, sample 41, ' "$tmp/out" && ok || fail "text $rec@40: $(head -1 "$tmp/out")"
run 0 -b --format json "$rec@peak" && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
	grep -q "^{\"sample\":$peak," "$tmp/out" && ok || fail "json @peak: $(head -c 80 "$tmp/out")"

# -- pagetop diff: both sides, the same samples, the same totals
run 0 diff --limit 1 "$rec@first" "$rec@peak" &&
	grep -q "^B: recording .*lab.ptrec.xz@$peak (handles)" "$tmp/out" &&
	grep -q "^Total A 16,319 pages .*, B $(total_at "$peak" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') pages" "$tmp/out" &&
	ok || fail "diff @first @peak: $(head -4 "$tmp/out")"
run 0 diff --limit 1 "$demo@-0" "$demo@last" && grep -q "^A: folder .*demo@89 " "$tmp/out" &&
	grep -q "^B: folder .*demo@89 " "$tmp/out" && ok || fail "diff demo@-0 demo@last: $(head -3 "$tmp/out")"
run 0 diff --limit 1 "$demo@-5" "$demo" && grep -q "^A: folder .*demo@84 " "$tmp/out" && ok ||
	fail "diff demo@-5: $(head -3 "$tmp/out")"

# -- a folder says its length: the screen and batch refuse a sample it lacks at once
run 1 -b "$demo@90" && err_has "demo: no sample 90: it has 90 (numbered from 0)" "demo@90"
run 1 -b "$demo@-90" && err_has "demo: no sample 90 before the last: it has 90" "demo@-90"
csv_demo() { "$PAGETOP" -b --format csv "$demo" | awk -F, -v k="$1" 'NR == 1 || $1 == k'; }
run 0 -b --format csv "$demo@-0" && csv_demo 89 | cmp -s - "$tmp/out" && ok || fail "demo@-0 is not sample 89"

# -- out of range and bad selectors: what was given, what is accepted, the length
run 1 -b "$rec@90" && err_has "lab.ptrec.xz: no sample 90: it has 90 (numbered from 0)" "@90"
[ -s "$tmp/out" ] && fail "@90 printed something: $(head -2 "$tmp/out")"
run 1 -b --format folded "$rec@18446744073709551615" &&
	err_has "no sample 18446744073709551615: it has 90" "@UINT64_MAX"
[ -s "$tmp/out" ] && fail "folded @UINT64_MAX printed something"
run 1 -b "$rec@-90" && err_has "no sample 90 before the last: it has 90" "@-90"
for bad in bogus "" - +5 1e3 -last Peak 18446744073709551616; do
	run 2 -b "$rec@$bad" &&
		err_has "'@$bad' picks no sample: expected @N (from 0), @first, @last, @peak or @-N (N before the last)" "@$bad"
done
run 2 diff "$rec@0" "$rec@top" && err_has "'@top' picks no sample" "diff @top"
run 1 diff "$rec@0" "$rec@200" && err_has "no sample 200: it has 90 (numbered from 0)" "diff @200"
run 2 -b -n 3 "$rec@5" && err_has "-n and a sample" "-n with @5"
run 2 -b "$rec@5" "$rec" && err_has "not from a list of files" "two sources"

# -- standard input: read once, so @N and @first, not what needs its end
"$PAGETOP" -b --format csv "$rec@40" >"$tmp/want"
"$PAGETOP" -b --format csv -- -@40 <"$rec" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$tmp/want" && ok ||
	fail "-@40 from standard input: $(cat "$tmp/err")"
for sel in peak last -1; do
	"$PAGETOP" -b -- "-@$sel" <"$rec" >"$tmp/out" 2>"$tmp/err"
	[ $? -eq 1 ] && ok || fail "-@$sel from standard input: not refused"
	err_has "standard input is read once: @$sel needs a file" "-@$sel"
done

# -- a path with '@' in it: taken whole when it is there, selector after it
cp "$rec" "$tmp/lab@40" || exit 99
run 0 -b --format csv "$tmp/lab@40" && cmp -s "$tmp/out" "$tmp/all.csv" && ok ||
	fail "an existing lab@40 is not read whole"
csv_is 7 "$tmp/lab@40@7"
run 1 -b "$tmp/nothere@3" && err_has "nothere: cannot open" "nothere@3"

# -- pagetop record: one sample of a series into a recording of its own
run 0 record -o "$tmp/peak.ptrec" --from "$rec@peak" &&
	run 0 -b --format csv "$tmp/peak.ptrec" && [ "$(awk -F, 'NR > 1 { s += $5 } END { print s }' "$tmp/out")" = "$(total_at "$peak")" ] &&
	[ "$(cut -d, -f1 "$tmp/out" | sort -u | wc -l)" -eq 2 ] && ok ||
	fail "record --from @peak: not the peak's one sample"
run 2 record -o "$tmp/x.ptrec" --from "$rec@bogus" && err_has "'@bogus' picks no sample" "record @bogus"
run 1 record -o "$tmp/x.ptrec" --from "$rec@200" && err_has "no sample 200: it has 90 (numbered from 0)" "record @200"
[ -e "$tmp/x.ptrec" ] && fail "record @200 left $tmp/x.ptrec behind"
run 0 record -o - --from "$demo@40" && "$PAGETOP" -b --format csv - <"$tmp/out" >"$tmp/one.csv" &&
	"$PAGETOP" -b --format csv "$demo@40" | cut -d, -f2,5,6,14- | sort >"$tmp/want" &&
	cut -d, -f2,5,6,14- "$tmp/one.csv" | sort | cmp -s - "$tmp/want" && ok ||
	fail "record -o - --from demo@40: not the same stacks and pages as demo@40"
run 2 record -o "$tmp/x.ptrec" --from "$demo/0001.show_stacks.xz" "$rec@3" &&
	err_has "not from a list of files" "record list with @3"

echo "select.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
