#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diff.sh - "pagetop diff A B" on the real fixtures: sample selection (A@N), matching by
# frame text, --ignore-offsets across two different texts, the four formats, sorting,
# --limit/--threshold, units, and exit statuses. Expected outputs were checked by eye
# against "pagetop -b --format csv" of the same samples.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
demo=$data/demo
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-diff.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# same NAME: $tmp/out equals $tmp/want
same() {
	if cmp -s "$tmp/out" "$tmp/want"; then
		passed=$((passed + 1))
	else
		fail "$1: output differs from the expected one:"
		diff -u "$tmp/want" "$tmp/out" | sed 's/^/  /'
	fi
}

# run STATUS ARGS...: pagetop diff ARGS exits with STATUS; stdout in $tmp/out
run() {
	want=$1
	shift
	"$PAGETOP" diff "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "pagetop diff $*: exit status $rc, expected $want"
		sed 's/^/  stderr: /' "$tmp/err"
		return 1
	fi
	passed=$((passed + 1))
	return 0
}

# -- sample 0 against sample 40 of the demo: the brd stack grew most
run 0 --limit 5 "$demo@0" "$demo@40"
sed "s|$demo|DEMO|g" "$tmp/out" >"$tmp/out2" && mv "$tmp/out2" "$tmp/out"
cat >"$tmp/want" <<'EOF'
pagetop 0.1 - diff
A: folder DEMO@0 (show_stacks), sample 0 of 90, 1.57 s
B: folder DEMO@40 (show_stacks), sample 40 of 90, 51.27 s
Total A 1,414 pages (5.5 MiB), B 31,820 pages (124.3 MiB), change +30,406 pages (+118.8 MiB)
Stacks changed 77: 77 grew (65 new), 0 shrank (0 gone); rows 5 shown
Sort delta descending, frames matched exactly

   PAGES_A    PAGES_B     CHANGE        SIZE  LABEL
         0      15872     +15872   +62.0 MiB  brd_submit_bio [brd]
         0      12416     +12416   +48.5 MiB  shmem_alloc_and_add_folio.constprop.0
         0       1088      +1088    +4.2 MiB  __filemap_get_folio_mpol
         0        512       +512    +2.0 MiB  execmem_vmalloc
         0        128       +128  +512.0 KiB  blk_mq_alloc_map_and_rqs
EOF
sed -i "s/^pagetop [^ ]* - diff$/pagetop 0.1 - diff/" "$tmp/out"
same "demo@0 demo@40 (text)"

# the same numbers as the batch output of those samples
"$PAGETOP" -b -n 41 --format csv --expand "$demo" >"$tmp/batch" 2>/dev/null
a=$(awk -F, 'NR > 1 && $1 == 0 { s += $5 } END { print s }' "$tmp/batch")
b=$(awk -F, 'NR > 1 && $1 == 40 { s += $5 } END { print s }' "$tmp/batch")
[ "$a" = 1414 ] && [ "$b" = 31820 ] || fail "batch totals of samples 0 and 40: $a $b"

# -- without @N a series gives its last sample (89 of the demo); ascending change
run 0 --sort delta:asc --limit 3 --format csv "$demo@30" "$demo"
cat >"$tmp/want" <<'EOF'
pages_a,pages_b,delta,bytes,status,label
12288,128,-12160,-49807360,shrank,"shmem_alloc_and_add_folio.constprop.0"
10752,0,-10752,-44040192,gone,"brd_submit_bio [brd]"
896,0,-896,-3670016,gone,"__filemap_get_folio_mpol"
EOF
same "demo@30 demo (csv, delta:asc)"
run 0 --limit 1 "$demo@30" "$demo"
grep -q "^B: folder .*demo@89 (show_stacks), sample 89 of 90, 111.92 s$" "$tmp/out" ||
	fail "the last sample of a series is not sample 89: $(sed -n 3p "$tmp/out")"

# -- json lines, one row each
run 0 --limit 3 --format json "$demo@30" "$demo@60"
cat >"$tmp/want" <<'EOF'
{"pages_a":10752,"pages_b":26112,"delta":15360,"bytes":62914560,"status":"grew","label":"brd_submit_bio [brd]"}
{"pages_a":896,"pages_b":1088,"delta":192,"bytes":786432,"status":"grew","label":"__filemap_get_folio_mpol"}
{"pages_a":12288,"pages_b":12416,"delta":128,"bytes":524288,"status":"grew","label":"shmem_alloc_and_add_folio.constprop.0"}
EOF
same "demo@30 demo@60 (json)"

# -- folded: growth only, outermost first, no offsets
run 0 --format folded "$demo@0" "$demo@40"
head -1 "$tmp/out" >"$tmp/first"
cat >"$tmp/want" <<'EOF'
__x64_sys_close;__fput;blkdev_release;bdev_release;filemap_write_and_wait_range;filemap_writeback;do_writepages;blkdev_writepages;__block_write_full_folio;submit_bio_noacct_nocheck;__submit_bio;brd_submit_bio [brd];__alloc_pages_noprof;__alloc_frozen_pages_noprof;get_page_from_freelist;prep_new_page 15872
EOF
cmp -s "$tmp/first" "$tmp/want" || fail "folded: first line: $(cat "$tmp/first")"
awk '$NF <= 0 { bad = 1 } END { exit bad }' "$tmp/out" || fail "folded: a change that is not growth"
grep -q '+0x' "$tmp/out" && fail "folded: offsets left"
run 0 --format folded "$demo@30" "$demo"
[ "$(wc -l <"$tmp/out")" -eq 23 ] || fail "folded demo@30 demo: $(wc -l <"$tmp/out") lines, expected 23 (the stacks that grew)"

# -- --expand: frames under the row, the caller marked
run 0 --limit 1 --expand "$demo@0" "$demo@40"
grep -q '^ *> brd_submit_bio+0x28d/0x42b \[brd\]$' "$tmp/out" || fail "--expand: no caller frame"
[ "$(sed -n '9,$p' "$tmp/out" | grep -c '^ \{45\}[ >] [^ ]')" -eq 16 ] ||
	fail "--expand: expected 16 frames"
run 0 --limit 1 --expand --format csv "$demo@0" "$demo@40"
grep -q '^pages_a,pages_b,delta,bytes,status,label,frames$' "$tmp/out" || fail "csv --expand header"
grep -q ';brd_submit_bio+0x28d/0x42b \[brd\];' "$tmp/out" || fail "csv --expand frames"

# -- the small series (show_stacks + handles), first against last
run 0 --limit 4 --format csv "$data/small@0" "$data/small"
cat >"$tmp/want" <<'EOF'
pages_a,pages_b,delta,bytes,status,label
0,4096,4096,16777216,new,"zs_malloc [zsmalloc]"
0,512,512,2097152,new,"execmem_vmalloc"
0,64,64,262144,new,"disksize_store [zram]"
0,57,57,233472,new,"zs_malloc [zsmalloc]"
EOF
same "small@0 small (csv)"

# -- sorting by label, threshold
run 0 --sort label --threshold 500 --format csv "$demo@0" "$demo@40"
cat >"$tmp/want" <<'EOF'
pages_a,pages_b,delta,bytes,status,label
0,1088,1088,4456448,new,"__filemap_get_folio_mpol"
0,15872,15872,65011712,new,"brd_submit_bio [brd]"
0,512,512,2097152,new,"execmem_vmalloc"
0,12416,12416,50855936,new,"shmem_alloc_and_add_folio.constprop.0"
EOF
same "--sort label --threshold 500"

# -- proposal files count allocations: no bytes
run 0 --format csv "$data/proposal/page_owner_full_stacks.example" \
	"$data/proposal/page_owner_full_stacks_5000.example"
cat >"$tmp/want" <<'EOF'
pages_a,pages_b,delta,bytes,status,label
0,8641,8641,,new,"pcpu_populate_chunk"
0,6781,6781,,new,"filemap_alloc_folio"
521,0,-521,,gone,"filemap_alloc_folio"
4609,0,-4609,,gone,"filemap_alloc_folio"
EOF
same "proposal files (csv)"
run 0 --limit 1 "$data/proposal/page_owner_full_stacks.example" \
	"$data/proposal/page_owner_full_stacks_5000.example"
grep -q "^Total A 5,130 allocations, B 15,422 allocations, change +10,292 " "$tmp/out" ||
	fail "proposal totals: $(sed -n 4p "$tmp/out")"
grep -q "ALLOCS_A" "$tmp/out" || fail "proposal: no ALLOCS_A column"
# pages against allocations do not compare
run 1 "$data/proposal/derived-from-0060.page_owner_stacks.xz" "$demo@60" &&
	grep -q "do not compare" "$tmp/err" || fail "pages against allocations: $(cat "$tmp/err")"

# -- --ignore-offsets: the same snapshot as another kernel build would print it
# (other offsets and sizes, a module's build id) matches completely
xz -dc "$demo/0030.show_stacks.xz" >"$tmp/a"
sed -E 's/\+0x/+0x1/; s/\/0x/\/0x2/; s/ \[([a-z0-9_]+)\]$/ [\1 0123456789abcdef]/' \
	"$tmp/a" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && fail "the second text is not different"
run 0 "$tmp/a" "$tmp/b"
grep -q "^Stacks changed 488: 244 grew (244 new), 244 shrank (244 gone); rows 488 shown$" "$tmp/out" ||
	fail "exact matching of two texts: $(sed -n 5p "$tmp/out")"
run 0 --ignore-offsets "$tmp/a" "$tmp/b"
grep -q "^Stacks changed 0: 0 grew (0 new), 0 shrank (0 gone); rows 0 shown$" "$tmp/out" ||
	fail "--ignore-offsets of two texts: $(sed -n 5p "$tmp/out")"
grep -q "frames matched by function and module" "$tmp/out" || fail "--ignore-offsets not said"
# one count changed: that stack only, its label without the build id
awk '/^nr_base_pages: 10752$/ && !done { print "nr_base_pages: 10764"; done = 1; next } { print }' \
	"$tmp/b" >"$tmp/c"
run 0 --ignore-offsets --format csv --expand "$tmp/a" "$tmp/c"
cat >"$tmp/want" <<'EOF'
pages_a,pages_b,delta,bytes,status,label,frames
10752,10764,12,49152,grew,"brd_submit_bio [brd]","prep_new_page;get_page_from_freelist;__alloc_frozen_pages_noprof;__alloc_pages_noprof;brd_submit_bio [brd];__submit_bio;submit_bio_noacct_nocheck;__block_write_full_folio;blkdev_writepages;do_writepages;filemap_writeback;filemap_write_and_wait_range;bdev_release;blkdev_release;__fput;__x64_sys_close"
EOF
same "--ignore-offsets, one count changed (csv --expand)"

# stacks that fall together without offsets add up: two call sites of one function
printf ' a+0x1/0x9\n b+0x1/0x9\nnr_base_pages: 3\n\n a+0x2/0x9\n b+0x1/0x9\nnr_base_pages: 4\n\n' >"$tmp/x"
printf ' a+0x5/0xa\n b+0x7/0xa\nnr_base_pages: 10\n\n' >"$tmp/y"
run 0 --ignore-offsets --format csv "$tmp/x" "$tmp/y"
printf 'pages_a,pages_b,delta,bytes,status,label\n7,10,3,12288,grew,"a"\n' >"$tmp/want"
same "--ignore-offsets sums call sites"
run 0 --format folded --ignore-offsets "$tmp/x" "$tmp/y"
printf 'b;a 3\n' >"$tmp/want"
same "folded --ignore-offsets"

# -- --limit among many ties: the rows that tie get their labels while the first rows are
# chosen (each label made may move the texts of those made before); the same rows as the
# whole order's first ones
for n in 1 2; do
	awk -v n=$n 'BEGIN { for (i = 0; i < 3000; i++)
		printf " prep_new_page+0x17/0x43\n a_long_enough_function_name_for_label_%05d_pad+0x10/0x20\n another_caller+0x1/0x2\nnr_base_pages: %d\n\n", (i * 7919) % 3000, n }' >"$tmp/tie$n"
done
run 0 --limit 0 --format csv "$tmp/tie1" "$tmp/tie2" && head -n 6 "$tmp/out" >"$tmp/want"
run 0 --limit 5 --format csv "$tmp/tie1" "$tmp/tie2"
same "--limit 5 among 3,000 rows that tie"
run 0 --limit 5 --sort pages_a:asc --format csv "$tmp/tie1" "$tmp/tie2"
grep -c '_pad' "$tmp/out" | grep -qx 5 || fail "--sort pages_a:asc among ties: $(cat "$tmp/out")"

# -- standard input as one side; recordings
xz -dc "$demo/0040.show_stacks.xz" | "$PAGETOP" diff --limit 1 --format csv "$demo@0" - \
	>"$tmp/out" 2>"$tmp/err" || fail "standard input as B: $(cat "$tmp/err")"
grep -q '^0,15872,15872,65011712,new,"brd_submit_bio \[brd\]"$' "$tmp/out" ||
	fail "standard input as B: $(cat "$tmp/out")"
if "$PAGETOP" record --from "$demo" -o "$tmp/demo.ptrec" >/dev/null 2>"$tmp/err"; then
	run 0 --limit 1 --format csv "$tmp/demo.ptrec@0" "$tmp/demo.ptrec@40"
	grep -q '^0,15872,15872,65011712,new,"brd_submit_bio \[brd\]"$' "$tmp/out" ||
		fail "recording@0 recording@40: $(cat "$tmp/out")"
else
	fail "pagetop record --from demo: $(cat "$tmp/err")"
fi

# -- --limit: the first rows of the whole sort, ties among them ordered by frames
for args in "" "--sort label" "--sort pages_a:asc" "--sort label:asc --ignore-offsets" \
	"--sort pages --threshold 64"; do
	for k in 1 3 17; do
		# shellcheck disable=SC2086
		"$PAGETOP" diff $args --format csv --expand "$demo@30" "$demo@60" 2>&1 |
			head -n $((k + 1)) >"$tmp/want"
		# shellcheck disable=SC2086
		run 0 $args --limit $k --format csv --expand "$demo@30" "$demo@60"
		same "--limit $k $args: the first rows of the whole sort"
	done
done

# -- B read on a thread of its own, or after A: the same output, and the warnings of A
# before those of B (each file's last record cut short)
xz -dc "$demo/0030.show_stacks.xz" | head -c 3000 >"$tmp/cut-a"
xz -dc "$demo/0060.show_stacks.xz" | head -c 5000 >"$tmp/cut-b"
for th in 1 2; do
	PAGETOP_THREADS=$th "$PAGETOP" diff --format csv "$tmp/cut-a" "$tmp/cut-b" \
		>"$tmp/out-$th" 2>&1 || fail "PAGETOP_THREADS=$th: exit status $?"
done
cmp -s "$tmp/out-1" "$tmp/out-2" || fail "one thread and two differ: $(diff "$tmp/out-1" "$tmp/out-2")"
sed -n '1s/^pagetop: \([^:]*\):.*cut short.*/\1/p; 2s/^pagetop: \([^:]*\):.*cut short.*/\1/p' \
	"$tmp/out-2" | tr '\n' ' ' >"$tmp/out"
printf '%s %s ' "$tmp/cut-a" "$tmp/cut-b" >"$tmp/want"
same "warnings of A, then of B"
# A fails: nothing of B is said
PAGETOP_THREADS=2 "$PAGETOP" diff "$tmp/nonexistent" "$tmp/cut-b" >/dev/null 2>"$tmp/err"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q nonexistent "$tmp/err" ||
	fail "A fails, B read on a thread: $(cat "$tmp/err")"

# -- errors: 1 for bad input, 2 for bad usage
run 1 "$demo@90" "$demo" && grep -q "no sample 90: it has 90 (numbered from 0)" "$tmp/err" ||
	fail "demo@90: $(cat "$tmp/err")"
# a sample number past 32 bits is that number, not its low 32 bits (it was sample 0)
run 1 "$demo" "$demo@4294967296" && grep -q "no sample 4294967296: it has 90 (numbered from 0)" "$tmp/err" ||
	fail "demo@4294967296: $(cat "$tmp/err")"
run 1 "$tmp/nonexistent" "$demo"
run 2 "$demo"
run 2 "$demo" "$demo" "$demo"
run 2 - -
run 2 --sort score "$demo" "$demo"
run 2 --sort delta:up "$demo" "$demo"
run 2 --format xml "$demo" "$demo"
run 2 --limit -1 "$demo" "$demo"
run 2 --bogus "$demo" "$demo"
grep -q "Try 'pagetop diff --help' for more information." "$tmp/err" || fail "no --help hint"
run 0 --help
grep -q "^Usage: pagetop diff " "$tmp/out" || fail "--help"
"$PAGETOP" --help | grep -q "pagetop diff" || fail "pagetop --help does not mention diff"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
