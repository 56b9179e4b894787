#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# batch.sh - end-to-end batch runs of the real fixtures, compared with tests/data/expected/.
#
# Outputs depend neither on the timezone nor on file mtimes: the demo folder has .uptime
# files (relative times) and the single-file runs use the folded format (no times).
# Paths are relative (the runs happen in tests/data) and the version in text headers is
# replaced by VERSION, so the expected files hold for any checkout and release.
#
# To regenerate the expected files after a deliberate change of output:
#   PAGETOP_REGEN=1 top_srcdir=. PAGETOP=./src/pagetop tests/cli/batch.sh
# then read the diff before committing it.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
TZ=UTC
LC_ALL=C.UTF-8
export TZ LC_ALL

data=$top_srcdir/tests/data
expected=$data/expected
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-batch.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
version=$("$PAGETOP" --version | sed -n '1s/^pagetop //p')

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# run NAME ARGS...: runs pagetop in tests/data (or $RUN_DIR), expects status 0 and no warnings, and
# compares standard output with tests/data/expected/NAME.
run() {
	name=$1
	shift
	(cd "${RUN_DIR:-$data}" && "$PAGETOP" "$@") >"$tmp/$name.raw" 2>"$tmp/$name.err"
	rc=$?
	sed "s/^pagetop $version - /pagetop VERSION - /" "$tmp/$name.raw" >"$tmp/$name"
	if [ $rc -ne 0 ]; then
		fail "$name: pagetop $* exited with $rc:"
		cat "$tmp/$name.err"
		return
	fi
	if [ -s "$tmp/$name.err" ]; then
		fail "$name: pagetop $* wrote to stderr:"
		cat "$tmp/$name.err"
	fi
	if [ "${PAGETOP_REGEN:-}" = 1 ]; then
		mkdir -p "$expected"
		cp "$tmp/$name" "$expected/$name"
		echo "regenerated $expected/$name"
		return
	fi
	if ! cmp -s "$tmp/$name" "$expected/$name"; then
		fail "$name: pagetop $* differs from tests/data/expected/$name:"
		diff -u "$expected/$name" "$tmp/$name" | head -40
	fi
}

# same NAME ARGS1 -- ARGS2: both runs print the same (no expected file needed).
same() {
	name=$1
	shift
	a=""
	while [ "$1" != -- ]; do
		a="$a '$1'"
		shift
	done
	shift
	(cd "$data" && eval "\"\$PAGETOP\" $a") >"$tmp/$name.1" 2>&1 || fail "$name: pagetop$a failed"
	(cd "$data" && "$PAGETOP" "$@") >"$tmp/$name.2" 2>&1 || fail "$name: pagetop $* failed"
	if [ "${SORTED:-}" = 1 ]; then
		# rows with equal counts come in stack-id order, which depends on the series
		sort "$tmp/$name.1" -o "$tmp/$name.1"
		sort "$tmp/$name.2" -o "$tmp/$name.2"
	fi
	if ! cmp -s "$tmp/$name.1" "$tmp/$name.2"; then
		fail "$name: pagetop$a and pagetop $* differ:"
		diff -u "$tmp/$name.1" "$tmp/$name.2" | head -20
	fi
	if [ ! -s "$tmp/$name.1" ]; then
		fail "$name: no output"
	fi
}

# -- the demo: the leak to find is the brd ramdisk stack
run demo-score.txt -b -n 40 --sort score --limit 5 demo
run demo-score.csv -b -n 40 --sort score --limit 5 --format csv demo
run demo-score.json -b -n 40 --sort score --limit 5 --format json demo
run demo-pages-expand.txt -b -n 1 --limit 3 --expand --no-symbols demo
run demo-caller.csv -b -n 40 --group caller --limit 8 --format csv demo
run demo-module.csv -b -n 40 --group module --format csv demo
run demo-function.txt -b -n 40 --group function --sort delta_base --limit 10 demo
run demo-filter-brd.csv -b -n 40 --filter brd --format csv demo
run demo-filter-not-brd.csv -b -n 40 --filter '!brd' --filter 'ext2|loop' --sort peak --limit 5 --format csv demo
run demo-threshold.csv -b -n 40 --threshold 1000 --sort pages:asc --format csv demo
run demo-threshold-bytes.txt -b -n 2 --threshold 256K demo
run demo-threshold-percent.json -b -n 3 --threshold 2% --format json demo
run demo-label-asc.txt -b -n 2 --sort label --group caller --limit 12 demo

# the check by name, independent of the expected files: at sample 40 (the last printed),
# brd_submit_bio [brd] is first by score
last=$(awk '/^ +PAGES /{getline; row=$0} END{print row}' "$tmp/demo-score.txt")
case $last in
*"brd_submit_bio [brd]") ;;
*) fail "demo-score.txt: first by score at sample 40 is not brd_submit_bio [brd]: $last" ;;
esac
tail -n 5 "$tmp/demo-score.csv" | head -n 1 | grep -q '^39,.*,"brd_submit_bio \[brd\]"$' ||
	fail "demo-score.csv: sample 39 does not start with brd_submit_bio [brd]"
[ "$(grep -c '^{"sample":' "$tmp/demo-score.json")" = 40 ] ||
	fail "demo-score.json: expected 40 lines of one object each"
[ "$(wc -l <"$tmp/demo-score.json")" = 40 ] || fail "demo-score.json: expected 40 lines"
head -n 1 "$tmp/demo-score.csv" | grep -qx 'sample,time,id,handle,pages,bytes,share,delta,rate,delta_base,peak,score,first_seen,label' ||
	fail "demo-score.csv: header"

# -- the per-block dump, the handles pair, the proposal: folded (no times)
run page_owner.folded -b --format folded small/page_owner.xz
run page_owner-module.folded -b --format folded --group module small/page_owner.xz
run handles-pair.folded -b --format folded plain/0030.show_stacks_handles plain/0030.show_handles
# two files are two samples, timed by their modification times (a checkout gives both one)
mkdir "$tmp/prop"
cp "$data/proposal/page_owner_full_stacks.example" "$data/proposal/page_owner_full_stacks_5000.example" "$tmp/prop/"
touch -d @1700000000 "$tmp/prop/page_owner_full_stacks.example"
touch -d @1700000010 "$tmp/prop/page_owner_full_stacks_5000.example"
run proposal.folded -b --format folded "$tmp/prop/page_owner_full_stacks.example" "$tmp/prop/page_owner_full_stacks_5000.example"
run proposal-derived.folded -b --format folded --limit 10 proposal/derived-from-0060.page_owner_stacks.xz

# -- the call tree: on the recording, and on the per-block dump (its time from its mtime)
run lab-tree-top-down.txt -b -n 3 --tree top-down --limit 3 lab.ptrec.xz
run lab-tree-bottom-up.json -b -n 2 --tree bottom-up --limit 3 --format json lab.ptrec.xz
run lab-tree-filter.csv -b -n 5 --tree bottom-up --format csv --filter filemap --threshold 2 --sort delta_base lab.ptrec.xz
cp "$data/small/page_owner.xz" "$tmp/page_owner.xz"
touch -d @1700000000 "$tmp/page_owner.xz"
RUN_DIR=$tmp
run page_owner-tree.txt -b --tree bottom-up --limit 4 --sort label:asc page_owner.xz
RUN_DIR=
# every sample's roots add up to the pages of the flat view's rows, both ways
(cd "$data" && "$PAGETOP" -b --format csv lab.ptrec.xz) >"$tmp/flat.csv" || fail "flat csv"
for mode in top-down bottom-up; do
	(cd "$data" && "$PAGETOP" -b --format csv --tree $mode lab.ptrec.xz) >"$tmp/tree.csv" ||
		fail "tree csv $mode"
	a=$(awk -F, 'NR > 1 {s[$1] += $5} END {for (k in s) print k, s[k]}' "$tmp/flat.csv" | sort)
	b=$(awk -F, 'NR > 1 && $3 == 0 {s[$1] += $4} END {for (k in s) print k, s[k]}' "$tmp/tree.csv" | sort)
	[ -n "$a" ] && [ "$a" = "$b" ] || fail "tree $mode: the roots do not add up to the rows"
done
# --tree without -b opens the screen in that tree mode; with no terminal, batch output
(cd "$data" && "$PAGETOP" --tree bottom-up -n 1 lab.ptrec.xz) >"$tmp/tree.out" 2>"$tmp/tree.err" </dev/null
[ $? = 0 ] && grep -q -- 'tree bottom-up' "$tmp/tree.out" ||
	fail "--tree without -b and without a terminal does not print the tree"
# -- --columns: text's columns in their order; in the default order the default output
run lab-columns.txt -b -n 2 --limit 3 --columns score,share,label,pages,trend lab.ptrec.xz
run lab-tree-columns.txt -b -n 2 --tree top-down --limit 2 --columns delta_base,pages lab.ptrec.xz
# allocinfo's calls and avg (bytes a call), for it only; its pages are bytes
run allocinfo-columns.txt -b -n 2 --limit 4 --columns avg,pages,calls,label allocinfo
run allocinfo-tree-columns.txt -b -n 2 --tree top-down --limit 3 --columns calls,avg,label allocinfo
run lab-columns-calls.txt -b -n 1 --limit 2 --columns pages,calls,avg,label lab.ptrec.xz
same columns-default -b -n 3 --limit 5 lab.ptrec.xz -- \
	-b -n 3 --limit 5 --columns pages,bytes,share,delta,rate,delta_base,peak,score,first_seen lab.ptrec.xz
same columns-tree-default -b -n 3 --tree bottom-up --limit 3 lab.ptrec.xz -- \
	-b -n 3 --tree bottom-up --limit 3 --columns pages,bytes,delta,rate,delta_base,peak,score,first_seen lab.ptrec.xz
(cd "$data" && "$PAGETOP" -b --format csv --columns pages lab.ptrec.xz) >/dev/null 2>"$tmp/cols.err"
[ $? = 2 ] && grep -q -- '--columns: only with --format text' "$tmp/cols.err" ||
	fail "--columns with --format csv is not refused"

# folded stacks are a tree already
(cd "$data" && "$PAGETOP" -b --tree top-down --format folded lab.ptrec.xz) >/dev/null 2>"$tmp/tree.err"
[ $? = 2 ] && grep -q -- '--tree: not with --format folded' "$tmp/tree.err" ||
	fail "--tree with --format folded is not refused"
# nor are OpenMetrics' series and --fail-if's rows a tree
(cd "$data" && "$PAGETOP" -b --tree top-down --format openmetrics lab.ptrec.xz) >/dev/null 2>"$tmp/tree.err"
[ $? = 2 ] && grep -q -- '--tree: not with --format openmetrics' "$tmp/tree.err" ||
	fail "--tree with --format openmetrics is not refused"
(cd "$data" && "$PAGETOP" -b --tree bottom-up --fail-if 'pages>1' lab.ptrec.xz) >/dev/null 2>"$tmp/tree.err"
[ $? = 2 ] && grep -q -- '--fail-if checks the rows of a sample, not a tree: drop --tree bottom-up' "$tmp/tree.err" ||
	fail "--tree with --fail-if is not refused"

# the folded dump adds up to the pages of the dump (sum of 2^order over its blocks)
want=$(xz -dc "$data/small/page_owner.xz" | awk '/^Page allocated via order /{o=$5; sub(",", "", o); s += 2^o} END{print s}')
got=$(awk '{s += $NF} END{print s}' "$tmp/page_owner.folded")
[ "$want" = "$got" ] || fail "page_owner.folded: $got pages, the dump has $want"

# -- equivalences
# standard input, plain and compressed, reads like the file
same stdin-plain -b --format folded plain/0030.show_stacks -- -b --format folded - <"$data/plain/0030.show_stacks"
same stdin-xz -b --format folded demo/0000.show_stacks.xz -- -b --format folded - <"$data/demo/0000.show_stacks.xz"
# folded of a series prints its last sample (ties in another order: compare sorted)
SORTED=1
same folded-last -b --format folded demo/0039.show_stacks.xz -- -b -n 40 --format folded demo
same folded-all -b --format folded demo/0089.show_stacks.xz -- -b --format folded demo
SORTED=
# a threshold in bytes is its pages (4 KiB pages): 1000 pages are 4000K
same threshold-bytes -b -n 40 --threshold 1000 --sort pages:asc --format csv demo -- \
	-b -n 40 --threshold 4000K --sort pages:asc --format csv demo
same threshold-bytes-diff diff --threshold 500 --format csv demo@0 demo@40 -- \
	diff --threshold 2000KiB --format csv demo@0 demo@40
# pagetop diff: a percentage is of B's total, 31,820 pages at sample 40, rounded up:
# 0.322% is 102.5 pages, so 103 (the row that grew by 103 stays), 0.324% is 103.1, so 104
same threshold-percent-diff diff --threshold 103 --format csv demo@0 demo@40 -- \
	diff --threshold 0.322% --format csv demo@0 demo@40
same threshold-percent-diff2 diff --threshold 104 --format csv demo@0 demo@40 -- \
	diff --threshold 0.324% --format csv demo@0 demo@40
(cd "$data" && "$PAGETOP" diff --threshold 0.322% --format csv demo@0 demo@40 | grep -q '^[0-9]*,[0-9]*,103,') ||
	fail "diff --threshold 0.322%: the row that grew by 103 pages is gone"
# a compressed copy reads the same
gzip -c <"$data/plain/0030.show_stacks" >"$tmp/copy.gz"
same gzip-file -b --format folded plain/0030.show_stacks -- -b --format folded "$tmp/copy.gz"
# standard input from a large file read partly already: what is left, as that file would
# read (large plain files opened by name are parsed in pieces from their start by every
# CPU; standard input is read from where it is)
i=0
while [ $i -lt 44 ]; do cat "$data/plain/0030.show_stacks"; i=$((i + 1)); done >"$tmp/big"
tail -n +2 "$tmp/big" >"$tmp/big.rest"
(read -r _; "$PAGETOP" -b --format folded -) <"$tmp/big" >"$tmp/big.got" 2>&1
"$PAGETOP" -b --format folded "$tmp/big.rest" >"$tmp/big.want" 2>&1
cmp -s "$tmp/big.got" "$tmp/big.want" ||
	fail "standard input read from the middle of a 5 MB file: not what is left of it"

# a named pipe as the source: pagetop waits for a writer that comes after it (the writer
# waits, with a deadline, until pagetop holds the pipe open and says it waits) and reads
# the pipe as a stream, as standard input. fifo_run WHAT WRITE-COMMAND: pagetop -b on
# $tmp/fifo in the background, then WRITE-COMMAND with the pipe as its standard output;
# leaves the status in $fifo_rc, the output in $tmp/fifo.out and $tmp/fifo.err.
fifo_run() {
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo" || { fail "$1: mkfifo"; return; }
	"$PAGETOP" -b --format folded "$tmp/fifo" >"$tmp/fifo.out" 2>"$tmp/fifo.err" &
	pid=$!
	n=0
	until ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -- "-> $tmp/fifo\$" &&
		grep -q 'is a named pipe: waiting for a writer$' "$tmp/fifo.err"; do
		n=$((n + 1))
		if [ $n -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
			fail "$1: pagetop did not wait for a writer on the pipe: $(cat "$tmp/fifo.err")"
			kill "$pid" 2>/dev/null
			wait "$pid"
			fifo_rc=-1
			return
		fi
		sleep 0.1
	done
	timeout 30 sh -c "$2 >'$tmp/fifo'" || fail "$1: the writer could not write to the pipe"
	wait "$pid"
	fifo_rc=$?
}
"$PAGETOP" -b --format folded "$data/plain/0030.show_stacks" >"$tmp/fifo.want" 2>&1
fifo_run "a named pipe" "cat '$data/plain/0030.show_stacks'"
if [ "$fifo_rc" -ge 0 ]; then
	[ "$fifo_rc" = 0 ] || fail "a named pipe: status $fifo_rc: $(cat "$tmp/fifo.err")"
	cmp -s "$tmp/fifo.out" "$tmp/fifo.want" || fail "a named pipe: not what the file gives"
	[ "$(cat "$tmp/fifo.err")" = "pagetop: $tmp/fifo is a named pipe: waiting for a writer" ] ||
		fail "a named pipe: stderr: $(cat "$tmp/fifo.err")"
fi
# a writer that closes without writing: an empty input, status 1
fifo_run "an empty named pipe" ":"
if [ "$fifo_rc" -ge 0 ]; then
	[ "$fifo_rc" = 1 ] || fail "an empty named pipe: status $fifo_rc"
	grep -q "^pagetop: $tmp/fifo: expected page_owner records, found an empty file\$" "$tmp/fifo.err" ||
		fail "an empty named pipe: stderr: $(cat "$tmp/fifo.err")"
fi

# -- /proc/allocinfo: bytes and calls per call site; the brd ramdisk's call site grows
run allocinfo-score.txt -b -n 30 --sort score --limit 5 allocinfo
run allocinfo.csv -b -n 6 --limit 4 --format csv allocinfo
run allocinfo.json -b -n 2 --limit 3 --format json allocinfo
run allocinfo.openmetrics -b -n 6 --limit 3 --format openmetrics allocinfo
run allocinfo-avg.txt -b -n 1 --threshold 4M --sort avg allocinfo
run allocinfo-calls.csv -b -n 6 --sort calls --limit 3 --format csv allocinfo
run allocinfo.folded -b --format folded allocinfo-file/6.12.allocinfo
run allocinfo-file.txt -b -n 30 --group file --sort delta_base --limit 4 allocinfo
run allocinfo-directory.csv -b -n 30 --group directory --limit 5 --format csv allocinfo
run allocinfo-module.json -b -n 30 --group module --limit 3 --format json allocinfo
run allocinfo-function.txt -b -n 1 --group function --filter '^unix_net_init$' allocinfo
run allocinfo-sites.txt -b -n 1 --filter unix_net_init --sort label allocinfo
for f in allocinfo-score.txt allocinfo.csv allocinfo.json allocinfo.openmetrics allocinfo-avg.txt \
	allocinfo-calls.csv allocinfo-file.txt allocinfo-directory.csv allocinfo-module.json; do
	# no pages where the counts are bytes
	grep -iqw 'pages\|page_size' "$tmp/$f" && fail "$f: says pages: $(grep -iw 'pages\|page_size' "$tmp/$f" | head -2)"
done
# the last sample: brd's call site among the two highest scores (a tie at the top)
tail -6 "$tmp/allocinfo-score.txt" | head -2 | grep -q 'brd_insert_page \[brd\]$' ||
	fail "allocinfo: brd_insert_page is not among the first by score"
same allocinfo-stdin -b --format folded allocinfo-file/6.12.allocinfo -- -b --format folded - <"$data/allocinfo-file/6.12.allocinfo"
xz -c "$data/allocinfo-file/6.12.allocinfo" >"$tmp/0029.allocinfo.xz"
gzip -c "$data/allocinfo-file/6.12.allocinfo" >"$tmp/0029.allocinfo.gz"
"$PAGETOP" -b --format folded "$tmp/0029.allocinfo.xz" >"$tmp/ai.xz.out" 2>&1 || fail "allocinfo.xz: failed"
"$PAGETOP" -b --format folded "$tmp/0029.allocinfo.gz" >"$tmp/ai.gz.out" 2>&1 || fail "allocinfo.gz: failed"
cmp -s "$tmp/ai.xz.out" "$expected/allocinfo.folded" || fail "allocinfo.xz: not what the plain file gives"
cmp -s "$tmp/ai.gz.out" "$expected/allocinfo.folded" || fail "allocinfo.gz: not what the plain file gives"
# the ramdisk's growth by file, directory and module: drivers/block/brd.c, drivers/block/, brd
tail -5 "$tmp/allocinfo-file.txt" | head -1 | grep -q ' drivers/block/brd\.c$' ||
	fail "allocinfo --group file: brd.c is not first by growth"
grep -q '^29,.*"drivers/block/"$' "$tmp/allocinfo-directory.csv" ||
	fail "allocinfo --group directory: no drivers/block/"
tail -1 "$tmp/allocinfo-module.json" | grep -q '"rows":\[{[^}]*"label":"vmlinux"},{[^}]*"label":"brd"}' ||
	fail "allocinfo --group module: not vmlinux then brd"
# the call tree of allocinfo: directory levels, file, function, call site (and back)
run allocinfo-tree-top-down.txt -b --tree top-down --limit 2 --sort delta allocinfo@last
run allocinfo-tree-bottom-up.json -b --tree bottom-up --limit 3 --sort delta --format json allocinfo@last
run allocinfo-tree.csv -b --tree top-down --threshold 1M --format csv allocinfo@last
run allocinfo-tree-bottom-up.txt -b -n 2 --tree bottom-up --filter brd --sort calls allocinfo
sed -n '5,9p' "$tmp/allocinfo-tree-top-down.txt" | awk '{print $NF}' | tr '\n' ' ' |
	grep -q '^drivers/ block/ brd.c \[brd\] drivers/block/brd.c:67 $' ||
	fail "allocinfo --tree top-down: no drivers/ -> block/ -> brd.c -> brd_insert_page -> :67 first"
sed 's/.*"rows"://' "$tmp/allocinfo-tree-bottom-up.json" |
	grep -q '^\[{"frame":"drivers/block/brd.c:67 \[brd\] func:brd_insert_page","caller":true,"label":"drivers/block/brd.c:67",[^[]*"children":\[{"frame":null,"label":"brd_insert_page \[brd\]"' ||
	fail "allocinfo --tree bottom-up: the brd call site is not the first root, its function under it"
grep -q ',"drivers/block/brd.c:67","drivers/;block/;brd.c;brd_insert_page \[brd\];drivers/block/brd.c:67"$' \
	"$tmp/allocinfo-tree.csv" || fail "allocinfo --tree csv: no path column to the brd call site"
# the roots add up to the flat rows shown
a=$(cd "$data" && "$PAGETOP" -b --threshold 1M --format csv allocinfo@last | awk -F, 'NR > 1 {s += $5} END {print s}')
b=$(awk -F, 'NR > 1 && $3 == 0 {s += $4} END {print s}' "$tmp/allocinfo-tree.csv")
[ -n "$a" ] && [ "$a" = "$b" ] || fail "allocinfo tree: the roots ($b) do not add up to the rows ($a)"
# a call site expanded with --source-dir: its line's text, no debug info needed, no warning
mkdir -p "$tmp/src/drivers/block"
awk 'BEGIN { for (i = 1; i < 67; i++) print "/* " i " */"; print "\tpage = alloc_page(gfp | __GFP_ZERO | __GFP_HIGHMEM);" }' \
	>"$tmp/src/drivers/block/brd.c"
"$PAGETOP" -b --filter brd_insert --expand --source-dir "$tmp/src" "$data/allocinfo-file/6.12.allocinfo" \
	>"$tmp/ai-src.out" 2>"$tmp/ai-src.err" || fail "allocinfo --source-dir: status $?"
[ -s "$tmp/ai-src.err" ] && fail "allocinfo --source-dir: said $(cat "$tmp/ai-src.err")"
tr -s ' ' <"$tmp/ai-src.out" | grep -qxF ' brd_insert_page (drivers/block/brd.c:67)' &&
	tr -s ' ' <"$tmp/ai-src.out" | grep -qxF ' | page = alloc_page(gfp | __GFP_ZERO | __GFP_HIGHMEM);' ||
	fail "allocinfo --source-dir: $(tail -4 "$tmp/ai-src.out")"
# page_owner stays the default where a folder has both
mkdir "$tmp/both"
cp "$data/allocinfo/0000.allocinfo.xz" "$data/allocinfo/0000.uptime" "$tmp/both/"
cp "$data/plain/0030.show_stacks" "$tmp/both/0000.show_stacks"
"$PAGETOP" -b --format json "$tmp/both" 2>/dev/null | grep -q '"interface":"show_stacks"' ||
	fail "a folder with both: not show_stacks by default"
"$PAGETOP" -b --allocinfo --format json "$tmp/both" 2>/dev/null | grep -q '"interface":"allocinfo"' ||
	fail "a folder with both: not allocinfo with --allocinfo"
d=$("$PAGETOP" diff --limit 1 "$data/allocinfo/0000.allocinfo.xz" "$data/allocinfo-file/6.12.allocinfo" 2>&1)
echo "$d" | grep -q 'brd_insert_page \[brd\]$' || fail "allocinfo diff: $d"
echo "$d" | grep -qiw pages && fail "allocinfo diff says pages: $d"

# a reader that stops early (| head -1): status 0, nothing on stderr
st=$( { "$PAGETOP" -b --format csv "$data/demo" 2>"$tmp/pipe.err"; echo $? >"$tmp/pipe.rc"; } | head -1)
[ "$(cat "$tmp/pipe.rc")" = 0 ] || fail "pagetop -b | head -1: status $(cat "$tmp/pipe.rc")"
[ -s "$tmp/pipe.err" ] && fail "pagetop -b | head -1: $(cat "$tmp/pipe.err")"
case $st in sample,time,*) ;; *) fail "pagetop -b | head -1: printed '$st'" ;; esac

if [ "$failed" -ne 0 ]; then
	echo "$failed failure(s)"
	exit 1
fi
echo "all batch runs match"
exit 0
