#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pprof.sh - pagetop -b --format pprof and pagetop diff --format pprof, read by the real
# go tool pprof (Debian's golang-go): the same stacks and numbers as pagetop -b (every
# stack's frames and pages, the total, the bytes, the top caller), source lines and
# inlined functions when --modules finds debug info (a module compiled here), allocation
# counts; the diff's profile gives what pprof -diff_base gives from two profiles, and the
# changes of pagetop diff; binary output is refused on a terminal, and --tree and --group.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
require go golang-go
require gcc gcc
require ld binutils
require script util-linux
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
# the bundled recording as first made, without the source lines it now carries: its
# frames are pagetop -b's
lab=$data/lab-v1.ptrec.xz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-pprof.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
# go tool pprof keeps a cache and its downloads under HOME: here, not in the user's
HOME=$tmp/home GOCACHE=$tmp/gocache PPROF_TMPDIR=$tmp/pprof
export HOME GOCACHE PPROF_TMPDIR
mkdir -p "$HOME" "$GOCACHE" "$PPROF_TMPDIR"
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

ok() {
	passed=$((passed + 1))
}

# prof OUT ARGS...: pagetop ARGS into OUT: status 0, a gzip file that pprof reads
prof() {
	out=$1
	shift
	if ! "$PAGETOP" "$@" </dev/null >"$out" 2>"$tmp/err"; then
		fail "pagetop $*: status $?"
		sed 's/^/  stderr: /' "$tmp/err"
		return 1
	fi
	if ! gzip -t "$out" 2>/dev/null; then
		fail "pagetop $*: not gzip"
		return 1
	fi
	if ! go tool pprof -raw "$out" >"$tmp/raw" 2>"$tmp/perr"; then
		fail "go tool pprof -raw on pagetop $*:"
		sed 's/^/  /' "$tmp/perr"
		return 1
	fi
	ok
}

# pp ARGS...: go tool pprof ARGS, its output on standard output
pp() {
	go tool pprof "$@" 2>"$tmp/perr" || fail "go tool pprof $*: $(cat "$tmp/perr")"
}

# -traces as folded stacks (outermost first, ';'), one line a sample, summed by stack and
# sorted: labels ("peak: 5") are left out
traces_folded() {
	awk '/^-+\+-+$/ { flush(); next }
	     /^ *[^ ]+: / && !v { next }
	     NF && $1 ~ /^-?[0-9]+$/ && !v { v = $1; sub(/^ *-?[0-9]+ +/, ""); f = $0; next }
	     v && NF { sub(/^ +/, ""); f = $0 ";" f }
	     function flush() { if (v) print f " " v; v = "" }
	     END { flush() }' | sum_folded
}

# folded stacks summed by stack, sorted
sum_folded() {
	awk '{ n = $NF; sub(/ -?[0-9]+$/, ""); s[$0] += n }
	     END { for (k in s) if (s[k]) print k " " s[k] }' | LC_ALL=C sort
}

# -- the bundled recording's last sample: every stack with its pages
prof "$tmp/p.pb.gz" -b --format pprof "$lab" || exit 1
"$PAGETOP" -b --format folded "$lab" | sum_folded >"$tmp/want"
pp -traces "$tmp/p.pb.gz" | traces_folded >"$tmp/got"
if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then
	ok
else
	fail "go tool pprof -traces: not pagetop -b's stacks and pages:"
	diff "$tmp/want" "$tmp/got" | head -20
fi
total=$(awk '{ s += $NF } END { print s }' "$tmp/want")
pp -top "$tmp/p.pb.gz" >"$tmp/top"
grep -q "^Type: pages$" "$tmp/top" && ok || fail "-top: not Type: pages: $(head -5 "$tmp/top")"
grep -q " of $total total" "$tmp/top" && ok ||
	fail "-top: the total is not pagetop's $total: $(grep total "$tmp/top")"
grep -q "^pagetop: recording .*lab-v1.ptrec.xz, sample 89$" "$tmp/top" && ok ||
	fail "-top: no comment naming the source and sample"
# the top caller of pagetop -b --group caller: pprof's cumulated pages of its function
# are those of pagetop's stacks through it (--filter), its own and some others'
"$PAGETOP" -b --group caller --format csv --limit 1 "$lab@last" >"$tmp/caller.csv"
caller=$(sed -n '2s/.*,"\(.*\)"$/\1/p' "$tmp/caller.csv")
pages=$(sed -n 2p "$tmp/caller.csv" | cut -d, -f5)
[ "$caller" = "brd_submit_bio [brd]" ] && [ "$pages" = 39936 ] && ok ||
	fail "pagetop's top caller is $caller with $pages pages"
through=$("$PAGETOP" -b --format folded --filter brd_submit_bio "$lab" | awk '{ s += $NF } END { print s }')
awk -v c="$caller" -v p="$through" '{ l = $0; for (i = 0; i < 5; i++) sub(/^ *[^ ]+ +/, "", l) }
	l == c && $4 == p { f = 1 } END { exit !f }' "$tmp/top" && [ "$through" -ge "$pages" ] && ok ||
	fail "-top: $caller has not $through pages cumulated: $(grep -F "$caller" "$tmp/top")"
# the caller label: pprof -tags sums the pages of each as pagetop --group caller does
"$PAGETOP" -b --group caller --format csv "$lab@last" | sed 1d |
	awk -F, '$5 > 0 { l = $0; sub(/^[^"]*"/, "", l); sub(/"$/, "", l); print l " " $5 }' |
	LC_ALL=C sort >"$tmp/want"
pp -tags "$tmp/p.pb.gz" | awk '/^ *caller: Total/ { s = 1; next } s && !NF { exit }
	s && /^ / { n = $1; sub(/^ *[0-9.]+ +\( *[0-9.]+%\): /, ""); printf "%s %d\n", $0, n }' |
	LC_ALL=C sort >"$tmp/got"
[ "$(wc -l <"$tmp/want")" -gt 20 ] && cmp -s "$tmp/want" "$tmp/got" && ok ||
	fail "-tags caller: not pagetop --group caller: $(diff "$tmp/want" "$tmp/got" | head)"
# bytes: the pages times the page size, in every sample
pp -raw "$tmp/p.pb.gz" >"$tmp/raw"
grep -q "^pages/count\[dflt\] bytes/bytes$" "$tmp/raw" && ok ||
	fail "-raw: sample types are not pages/count and bytes/bytes"
awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0 }
     s && $2 ~ /^-?[0-9]+:$/ { n++; if ($1 * 4096 != $2 + 0) bad++ }
     END { exit !(n > 0 && !bad) }' "$tmp/raw" && ok || fail "-raw: bytes are not pages * 4096"
grep -q "delta_base:\[38912 pages\]" "$tmp/raw" && ok || fail "-raw: no delta_base label"
grep -q "caller:\[brd_submit_bio \[brd\]\]" "$tmp/raw" && ok || fail "-raw: no caller label"
grep -q "^1: .*\[vmlinux\] [0-9a-f]* *\[FN\]$" "$tmp/raw" && ok || fail "-raw: no [vmlinux] mapping"

# -- a sample picked, a limit: the first rows only
prof "$tmp/l.pb.gz" -b --format pprof --limit 2 "$lab@0"
"$PAGETOP" -b --format folded --limit 2 "$lab@0" | sum_folded >"$tmp/want"
pp -traces "$tmp/l.pb.gz" | traces_folded >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" && [ "$(wc -l <"$tmp/got")" -le 2 ] && ok ||
	fail "--limit 2 @0: not pagetop's rows: $(diff "$tmp/want" "$tmp/got")"

# -- allocation counts (the proposal's stack_count): one sample type
prof "$tmp/c.pb.gz" -b --format pprof "$data/live/proposal.page_owner_stacks"
grep -q "^allocations/count$" "$tmp/raw" && ok || fail "stack_count: not allocations/count"
"$PAGETOP" -b --format folded "$data/live/proposal.page_owner_stacks" | sum_folded >"$tmp/want"
pp -traces "$tmp/c.pb.gz" | traces_folded >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" && ok || fail "stack_count: -traces differ: $(diff "$tmp/want" "$tmp/got" | head)"

# -- the bundled recording carries its frames' source lines: the profile has them with
# no debug info installed (the leak's inlined allocation, its file and line)
prof "$tmp/cl.pb.gz" -b --format pprof --filter brd_submit_bio "$data/lab.ptrec.xz"
pp -traces "$tmp/cl.pb.gz" | grep -q "brd_insert_page (inline)" && ok ||
	fail "carried lines: no inlined brd_insert_page in -traces"
pp -top -lines "$tmp/cl.pb.gz" | grep -q "mm/page_alloc.c:[0-9]" && ok ||
	fail "carried lines: no mm/page_alloc.c line in -top -lines"
# and so has pagetop diff's profile; --no-symbols leaves them out
prof "$tmp/cd.pb.gz" diff --format pprof "$data/lab.ptrec.xz@0" "$data/lab.ptrec.xz"
pp -traces "$tmp/cd.pb.gz" | grep -q "brd_insert_page (inline)" && ok ||
	fail "diff, carried lines: no inlined brd_insert_page in -traces"
pp -top -lines "$tmp/cd.pb.gz" | grep -q "mm/page_alloc.c:[0-9]" && ok ||
	fail "diff, carried lines: no mm/page_alloc.c line in -top -lines"
prof "$tmp/cn.pb.gz" diff --format pprof --no-symbols "$data/lab.ptrec.xz@0" "$data/lab.ptrec.xz"
pp -traces "$tmp/cn.pb.gz" | grep -q "(inline)" && fail "diff --no-symbols: inlined functions" || ok
"$PAGETOP" diff --vmlinux x "$data/lab.ptrec.xz@0" "$data/lab.ptrec.xz" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q -- "--format pprof" "$tmp/err" && ok ||
	fail "diff --vmlinux without --format pprof: not refused"

# -- source lines: a module compiled here, its frames resolved by pagetop --modules
mkdir -p "$tmp/dw/build" "$tmp/dw/mods"
cp "$data/symbols/inline.c" "$data/symbols/hits.h" "$tmp/dw/build/"
if (cd "$tmp/dw/build" && gcc -g -O2 -fno-optimize-sibling-calls -fno-pie -c inline.c -o inline.o &&
	ld -r -o ../mods/inl.ko inline.o); then
	# the return addresses of the two calls in outer(): one inside two inlined functions
	size=$(nm -S "$tmp/dw/mods/inl.ko" | awk '$4 == "outer" { print $2 }')
	inl=$(readelf -rW "$tmp/dw/mods/inl.ko" | awk '$5 == "hit_inl" { print $1; exit }')
	dir=$(readelf -rW "$tmp/dw/mods/inl.ko" | awk '$5 == "hit_direct" { print $1; exit }')
	i=$(printf ' outer+0x%x/0x%x [inl]' $((0x$inl + 4)) $((0x$size)))
	d=$(printf ' outer+0x%x/0x%x [inl]' $((0x$dir + 4)) $((0x$size)))
	printf '%s\n%s\n do_work+0x10/0x20\nnr_base_pages: 7\n\n%s\n do_work+0x10/0x20\nnr_base_pages: 3\n\n' \
		"$i" "$d" "$d" >"$tmp/dw/snap"
	prof "$tmp/s.pb.gz" -b --format pprof --modules "$tmp/dw/mods" "$tmp/dw/snap"
	# pagetop -b --expand's lines ("inner (inline.c:8)") are pprof's "inner .../inline.c:8"
	"$PAGETOP" -b --expand --modules "$tmp/dw/mods" "$tmp/dw/snap" 2>/dev/null |
		sed -n 's/^ *\((inlined by) \)\{0,1\}\([a-z_]*\) (\(inline\.c:[0-9]*\))$/\2 \3/p' |
		LC_ALL=C sort -u >"$tmp/want"
	pp -top -lines "$tmp/s.pb.gz" |
		sed -n 's|.*  \([a-z_]*\) /.*/\(inline\.c:[0-9]*\).*|\1 \2|p' | LC_ALL=C sort -u >"$tmp/got"
	[ "$(wc -l <"$tmp/want")" = 4 ] && cmp -s "$tmp/want" "$tmp/got" && ok ||
		fail "source lines: pagetop --expand has $(cat "$tmp/want"), pprof -top -lines $(cat "$tmp/got")"
	# inlined functions are lines of one location, innermost first
	pp -traces "$tmp/s.pb.gz" >"$tmp/tr"
	awk '/^ +7 / { s = 1 } s && NF { sub(/^ +(7 +)?/, ""); print } s && !NF { exit }
	     /^-+\+/ && s { exit }' "$tmp/tr" | head -5 | tr '\n' '|' >"$tmp/got"
	[ "$(cat "$tmp/got")" = "inner (inline)|middle (inline)|outer|outer|do_work|" ] && ok ||
		fail "inlined functions: the trace is $(cat "$tmp/got")"
	grep -q "^1: .*\[inl\] *\[FN\]\[FL\]\[LN\]\[IN\]$" "$tmp/raw" && ok ||
		fail "-raw: the module's mapping has not functions, files, lines, inlines"
	# pagetop diff --modules: the same lines for the change between two samples
	printf '%s\n%s\n do_work+0x10/0x20\nnr_base_pages: 9\n\n%s\n do_work+0x10/0x20\nnr_base_pages: 1\n\n' \
		"$i" "$d" "$d" >"$tmp/dw/snap2"
	prof "$tmp/sd.pb.gz" diff --format pprof --modules "$tmp/dw/mods" "$tmp/dw/snap" "$tmp/dw/snap2"
	pp -top -lines "$tmp/sd.pb.gz" |
		sed -n 's|.*  \([a-z_]*\) /.*/\(inline\.c:[0-9]*\).*|\1 \2|p' | LC_ALL=C sort -u >"$tmp/got"
	[ -s "$tmp/got" ] && cmp -s "$tmp/want" "$tmp/got" && ok ||
		fail "diff --modules: source lines $(cat "$tmp/got"), expected $(cat "$tmp/want")"
	# without debug info: the frames' functions, with their module
	prof "$tmp/n.pb.gz" -b --format pprof --no-symbols "$tmp/dw/snap"
	pp -top "$tmp/n.pb.gz" | grep -q " outer \[inl\]$" && ok ||
		fail "--no-symbols: no function 'outer [inl]'"
else
	fail "cannot build inl.ko with gcc and ld"
fi

# -- pagetop diff: the change per stack, what pprof -diff_base makes of two profiles
prof "$tmp/a.pb.gz" -b --format pprof "$lab@0"
prof "$tmp/d.pb.gz" diff --format pprof "$lab@0" "$lab"
# every function's flat and cumulated change alike (pprof's percentages are of another
# total: the base's with -diff_base)
pp -top -nodefraction=0 -diff_base "$tmp/a.pb.gz" "$tmp/p.pb.gz" |
	awk '/flat%/ { p = 1; next } p { $2 = $3 = $5 = ""; print }' | LC_ALL=C sort >"$tmp/want"
pp -top -nodefraction=0 "$tmp/d.pb.gz" |
	awk '/flat%/ { p = 1; next } p { $2 = $3 = $5 = ""; print }' | LC_ALL=C sort >"$tmp/got"
[ "$(wc -l <"$tmp/want")" -gt 50 ] && cmp -s "$tmp/want" "$tmp/got" && ok ||
	fail "diff: -top differs from -diff_base's: $(diff "$tmp/want" "$tmp/got" | head)"
# each stack's change is pagetop diff's, the shrunk ones negative
"$PAGETOP" diff --format csv "$lab@0" "$lab" | sed 1d | cut -d, -f3 | LC_ALL=C sort >"$tmp/want"
awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0 }
     s && $2 ~ /^-?[0-9]+:$/ { print $1 }' "$tmp/raw" | LC_ALL=C sort >"$tmp/got"
[ "$(wc -l <"$tmp/want")" = 41 ] && cmp -s "$tmp/want" "$tmp/got" && ok ||
	fail "diff: the samples' values are not pagetop diff's changes: $(diff "$tmp/want" "$tmp/got" | head)"
grep -q "^ *-[0-9]* *-[0-9]*: " "$tmp/raw" && ok || fail "diff: no stack that shrank"
change=$(awk '{ s += $1 } END { print s }' "$tmp/want")
[ "$change" = 39844 ] && ok || fail "diff: the change is $change, not +39,844"
pp -top "$tmp/d.pb.gz" >"$tmp/top"
grep -q "^pagetop diff: recording .*lab-v1.ptrec.xz sample 0 -> recording .*lab-v1.ptrec.xz sample 89$" \
	"$tmp/top" && ok || fail "diff: no comment naming A and B"

# -- /proc/allocinfo: bytes and calls, a location per call site with its function, file
# and line: every site pagetop -b shows, with its numbers, and -top's as pagetop's
ai=$data/allocinfo-file/6.12.allocinfo
"$PAGETOP" -b -n 1 --limit 0 --expand "$ai" >"$tmp/ai.txt" 2>"$tmp/err" || fail "allocinfo: pagetop -b: $(cat "$tmp/err")"
awk '/^ +[0-9]+ / { b = $1; c = $4; next }
     /^ +> / && b > 0 { f = $NF; sub(/^func:/, "", f); print b, c, f, $2 }' "$tmp/ai.txt" | sort >"$tmp/want"
if prof "$tmp/ai.pb.gz" -b -n 1 --format pprof "$ai"; then
	awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0; l = 1; next } /^Mappings/ { l = 0 }
	     s && /^ +[0-9]+ +[0-9]+: [0-9]+ *$/ { v[$3 + 0] = $1 " " ($2 + 0) }
	     l && /^ +[0-9]+: / { id = $1 + 0; sub(/^ +[0-9]+: 0x0 M=[0-9]+ /, ""); sub(/ s=0$/, ""); loc[id] = $0 }
	     END { for (i in v) print v[i], loc[i] }' "$tmp/raw" | sort >"$tmp/got"
	[ "$(wc -l <"$tmp/want")" -gt 300 ] && cmp -s "$tmp/want" "$tmp/got" && ok ||
		fail "allocinfo: pprof's samples are not pagetop's call sites: $(diff "$tmp/want" "$tmp/got" | head -5)"
	grep -q '^bytes/bytes\[dflt\] calls/count$' "$tmp/raw" && ok || fail "allocinfo: sample types: $(grep -m1 bytes "$tmp/raw")"
	pp -top -lines -unit=byte -nodecount=5 "$tmp/ai.pb.gz" >"$tmp/top"
	grep -q "^Showing nodes accounting for .* of 133523792B total" "$tmp/top" && ok ||
		fail "allocinfo: pprof's total is not pagetop's 133,523,792 bytes: $(cat "$tmp/top")"
	awk '/^ +[0-9]+B / { sub(/B$/, "", $1); print $1, $6, $7 }' "$tmp/top" >"$tmp/gtop"
	awk '/^ +[0-9]+ / { b = $1; next } /^ +> / { f = $NF; sub(/^func:/, "", f); print b, f, $2 }' "$tmp/ai.txt" |
		head -5 >"$tmp/wtop"
	cmp -s "$tmp/wtop" "$tmp/gtop" && ok || fail "allocinfo: -top is not pagetop's top 5: $(diff "$tmp/wtop" "$tmp/gtop")"
	pp -top -sample_index=calls -nodecount=1 "$tmp/ai.pb.gz" >"$tmp/top"
	grep -q "of 52347 total" "$tmp/top" && ok || fail "allocinfo: calls: $(cat "$tmp/top")"
fi

# -- refused: a terminal, a tree, groups
script -qec "'$PAGETOP' -b --format pprof '$lab'" /dev/null </dev/null >"$tmp/tty" 2>&1
grep -q "not writing a pprof profile (binary) to a terminal" "$tmp/tty" && ok ||
	fail "a terminal: not refused: $(head -c 200 "$tmp/tty" | od -c | head -3)"
script -qec "'$PAGETOP' diff --format pprof '$lab@0' '$lab'" /dev/null </dev/null >"$tmp/tty" 2>&1
grep -q "not writing a pprof profile (binary) to a terminal" "$tmp/tty" && ok ||
	fail "diff on a terminal: not refused"
for args in "--tree top-down" "--group caller"; do
	# shellcheck disable=SC2086
	"$PAGETOP" -b --format pprof $args "$lab" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] && [ ! -s "$tmp/out" ] && grep -q "not with --format pprof" "$tmp/err" && ok ||
		fail "--format pprof $args: status $rc, $(cat "$tmp/err")"
done

if [ "$failed" -ne 0 ]; then
	echo "$failed failure(s), $passed passed"
	exit 1
fi
echo "all $passed pprof checks pass"
exit 0
