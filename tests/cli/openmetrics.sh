#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# openmetrics.sh - pagetop -b --format openmetrics: the real promtool accepts every
# output (each grouping, allocation counts, labels with control characters, quotes and
# backslashes); one sample ending in "# EOF" (the last of a series); the series are
# bounded (--limit, the rest in (other), which adds up to the total); a stack's id does
# not depend on the frames' offsets (two boots are one series); pagetop diff refuses it;
# pagetop record --textfile rewrites its file whole (a rename) with every sample.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
require promtool prometheus
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
lab=$data/lab.ptrec.xz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-om.XXXXXX") || exit 99
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

# om ARGS...: pagetop -b --format openmetrics ARGS into $tmp/out: status 0, promtool
# check metrics passes, the last line is # EOF
om() {
	if ! "$PAGETOP" -b --format openmetrics "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; then
		fail "pagetop -b --format openmetrics $*: status $?"
		sed 's/^/  stderr: /' "$tmp/err"
		return 1
	fi
	if promtool check metrics <"$tmp/out" >"$tmp/lint" 2>&1; then
		ok
	else
		fail "promtool check metrics on pagetop -b --format openmetrics $*:"
		sed 's/^/  /' "$tmp/lint"
	fi
	[ "$(tail -n 1 "$tmp/out")" = "# EOF" ] && ok || fail "$*: the last line is not # EOF"
	[ "$(grep -c '^# EOF$' "$tmp/out")" = 1 ] && ok || fail "$*: more than one sample"
}

# -- the last sample of the recording, by caller, three rows and the rest
om --limit 3 "$lab"
cat >"$tmp/want" <<'EOF_WANT'
# TYPE pagetop_pages gauge
# UNIT pagetop_pages pages
# HELP pagetop_pages Pages held by the row's stacks.
pagetop_pages{caller="brd_submit_bio",module="brd"} 39936
pagetop_pages{caller="shmem_alloc_and_add_folio.constprop.0",module="vmlinux"} 12837
pagetop_pages{caller="__filemap_get_folio_mpol",module="vmlinux"} 1055
pagetop_pages{caller="(other)"} 2335
# TYPE pagetop_bytes gauge
# UNIT pagetop_bytes bytes
# HELP pagetop_bytes Bytes of the pages held by the row's stacks.
pagetop_bytes{caller="brd_submit_bio",module="brd"} 163577856
pagetop_bytes{caller="shmem_alloc_and_add_folio.constprop.0",module="vmlinux"} 52580352
pagetop_bytes{caller="__filemap_get_folio_mpol",module="vmlinux"} 4321280
pagetop_bytes{caller="(other)"} 9564160
# TYPE pagetop_total_pages gauge
# UNIT pagetop_total_pages pages
# HELP pagetop_total_pages Pages held by all stacks.
pagetop_total_pages 56163
# TYPE pagetop_total_bytes gauge
# UNIT pagetop_total_bytes bytes
# HELP pagetop_total_bytes Bytes of the pages held by all stacks.
pagetop_total_bytes 230043648
# TYPE pagetop_failure_pages gauge
# UNIT pagetop_failure_pages pages
# HELP pagetop_failure_pages Pages whose stack the kernel could not save (stacks being lost).
pagetop_failure_pages 0
# TYPE pagetop_stacks gauge
# HELP pagetop_stacks Stacks holding pages.
pagetop_stacks 275
# EOF
EOF_WANT
if cmp -s "$tmp/out" "$tmp/want"; then ok; else
	fail "--limit 3: output differs:"
	diff -u "$tmp/want" "$tmp/out" | sed 's/^/  /'
fi
# the same as @last
"$PAGETOP" -b --format openmetrics --limit 3 "$lab@last" >"$tmp/last"
cmp -s "$tmp/out" "$tmp/last" && ok || fail "a series does not give its last sample"

# -- the default: by caller, 20 rows and (other); the rows add up to the total
om "$lab"
n=$(grep -c '^pagetop_pages{' "$tmp/out")
[ "$n" = 21 ] && ok || fail "default: $n series of pagetop_pages, expected 20 and (other)"
sum=$(awk '/^pagetop_pages\{/ { s += $NF } END { print s }' "$tmp/out")
total=$(awk '/^pagetop_total_pages / { print $2 }' "$tmp/out")
[ "$sum" = "$total" ] && ok || fail "the series add up to $sum, the total is $total"
# --limit 0: every caller, no (other)
om --limit 0 "$lab"
grep -q '(other)' "$tmp/out" && fail "--limit 0 has an (other) series" || ok

# -- every grouping; filters and thresholds as in every format
om --group stack --limit 10 "$lab"
grep -q '^pagetop_pages{caller="brd_submit_bio",module="brd",stack="[0-9a-f]\{16\}"} 39936$' \
	"$tmp/out" && ok || fail "--group stack: no brd series with a stack id"
om --group module "$lab"
grep -q '^pagetop_pages{module="brd"} 39936$' "$tmp/out" && ok || fail "--group module: no brd"
om --group function --limit 5 "$lab"
om --filter brd "$lab@0"
om --threshold 1% --limit 0 "$lab"
# allocation counts (the original proposal's files): no bytes
om "$data/proposal/page_owner_full_stacks.example"
grep -q '^pagetop_allocations{' "$tmp/out" && ok || fail "allocations: no pagetop_allocations"
grep -q bytes "$tmp/out" && fail "allocations: bytes in the output" || ok

# -- label values: control characters escaped as UTF-8 text, then backslashes doubled
om --limit 0 "$data/bad/escape.show_stacks"
grep -q '^pagetop_pages{caller="csi\\\\u009b2J",module="c1\\\\u009bmod"} 12$' "$tmp/out" && ok ||
	fail "escape.show_stacks: the C1 label is not escaped as expected"
# quotes and backslashes in a frame's text
sed 's/prep_new_page/prep_"new\\page/' "$data/plain/0030.show_stacks" >"$tmp/q.show_stacks"
om --group stack --limit 0 --alloc-pattern 'get_page*' "$tmp/q.show_stacks"
grep -q 'caller="prep_\\"new\\\\page"' "$tmp/out" && ok || fail "a quote or backslash is not escaped"

# -- the stack id does not change with the offsets (another build, another boot)
om --group stack --limit 0 "$data/plain/0030.show_stacks"
sed 's/ [0-9]*$//' "$tmp/out" | grep '^pagetop_pages{' | sort >"$tmp/ids1"
sed 's/+0x[0-9a-f]*\/0x[0-9a-f]*/+0x1\/0x2/' "$data/plain/0030.show_stacks" >"$tmp/moved.show_stacks"
om --group stack --limit 0 "$tmp/moved.show_stacks"
sed 's/ [0-9]*$//' "$tmp/out" | grep '^pagetop_pages{' | sort >"$tmp/ids2"
[ -s "$tmp/ids1" ] && cmp -s "$tmp/ids1" "$tmp/ids2" && ok ||
	fail "the stack ids change with the offsets"
# and no series twice (stacks that differ only in offsets add up)
[ -z "$(uniq -d "$tmp/ids2")" ] && ok || fail "a series is twice in one sample"

# -- pagetop diff has no openmetrics
"$PAGETOP" diff --format openmetrics "$lab@0" "$lab" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'openmetrics is for one sample' "$tmp/err" && ok ||
	fail "pagetop diff --format openmetrics is not refused"

# -- pagetop record --textfile: the file is rewritten whole with every sample
tf=$tmp/tf
mkdir "$tf"
if "$PAGETOP" record --from "$lab" --textfile "$tf/pagetop.prom" -o "$tf/run.ptrec" 2>"$tmp/err"; then
	ok
else
	fail "record --textfile: status $?"
	sed 's/^/  stderr: /' "$tmp/err"
fi
"$PAGETOP" -b --format openmetrics "$lab" >"$tmp/want"
cmp -s "$tf/pagetop.prom" "$tmp/want" && ok || fail "record --textfile: not the last sample as -b writes it"
promtool check metrics <"$tf/pagetop.prom" >/dev/null 2>&1 && ok || fail "record --textfile: promtool"
# the recording is made as without it
"$PAGETOP" -b --format csv "$tf/run.ptrec" >"$tmp/a" && "$PAGETOP" -b --format csv "$lab" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || fail "record --textfile -o: the recording differs"
# without -o, over the file of the last run; no temporary file is left
if "$PAGETOP" record --from "$data/plain/0030.show_stacks" --textfile "$tf/pagetop.prom" 2>"$tmp/err"; then
	ok
else
	fail "record --textfile over an existing file: status $?"
	sed 's/^/  stderr: /' "$tmp/err"
fi
"$PAGETOP" -b --format openmetrics "$data/plain/0030.show_stacks" >"$tmp/want"
cmp -s "$tf/pagetop.prom" "$tmp/want" && ok || fail "record --textfile: the file was not replaced"
[ "$(ls -A "$tf" | grep -vx 'pagetop.prom\|run.ptrec')" = "" ] && ok ||
	fail "record --textfile left files behind: $(ls -A "$tf")"
# every sample is a rename of a whole file onto the name (90 samples, 90 renames)
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=rename -o "$tmp/strace" \
		"$PAGETOP" record --from "$lab" --textfile "$tf/pagetop.prom" 2>/dev/null
	n=$(grep -c "rename(\"$tf/\.pagetop-[0-9a-f]*\.tmp\", \"$tf/pagetop.prom\") = 0" "$tmp/strace")
	[ "$n" = 90 ] && ok || fail "record --textfile: $n renames onto the file for 90 samples"
fi
# a folder that is not there: status 1, the message names the file
"$PAGETOP" record --from "$data/plain/0030.show_stacks" --textfile "$tf/none/p.prom" 2>"$tmp/err"
[ $? = 1 ] && grep -q "none/p.prom" "$tmp/err" && ok || fail "record --textfile into no folder: not an error"
# --group, --limit and --sort shape the textfile as they shape -b's output
for shape in "--group module --limit 1" "--group function --limit 0" "--sort score --limit 3"; do
	# shellcheck disable=SC2086
	"$PAGETOP" record --from "$lab" --textfile "$tf/pagetop.prom" $shape 2>"$tmp/err" &&
		"$PAGETOP" -b --format openmetrics $shape "$lab" >"$tmp/want" &&
		cmp -s "$tf/pagetop.prom" "$tmp/want" && ok ||
		fail "record --textfile $shape: not the last sample as -b $shape writes it"
done
# without --textfile they have nothing to shape: a recording keeps every stack
"$PAGETOP" record --from "$lab" -o "$tf/x.ptrec" --limit 3 2>"$tmp/err"
[ $? = 2 ] && grep -q -- "--textfile" "$tmp/err" && [ ! -e "$tf/x.ptrec" ] && ok ||
	fail "record -o --limit: not refused"

echo "openmetrics.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
