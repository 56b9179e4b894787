#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cli.sh - the command line: usage errors exit 2 with a message, bad input exits 1 with
# FILE:LINE, --help and --version exit 0, write errors and closed pipes.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ
. "$top_srcdir/tests/lib.sh"
[ -w /dev/full ] || missing "a writable /dev/full" "mknod -m 666 /dev/full c 1 7"

data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# expect STATUS PATTERN ARGS...: pagetop ARGS exits with STATUS and its standard error
# matches the grep -E PATTERN ('' for none expected: stderr must be empty).
expect() {
	want=$1
	pat=$2
	shift 2
	"$PAGETOP" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "pagetop $*: exit status $rc, expected $want"
		sed 's/^/  stderr: /' "$tmp/err"
		return
	fi
	if [ -z "$pat" ]; then
		[ -s "$tmp/err" ] && fail "pagetop $*: unexpected stderr: $(cat "$tmp/err")"
		return
	fi
	if ! grep -Eq -- "$pat" "$tmp/err"; then
		fail "pagetop $*: stderr does not match /$pat/:"
		sed 's/^/  stderr: /' "$tmp/err"
	fi
	if [ "$want" -eq 2 ] && ! grep -q "Try 'pagetop --help' for more information." "$tmp/err"; then
		fail "pagetop $*: a usage error without the --help hint"
	fi
	if [ "$want" -ne 0 ] && [ -s "$tmp/out" ]; then
		fail "pagetop $*: printed to stdout on error: $(head -c 200 "$tmp/out")"
	fi
}

demo=$data/demo

# -- usage errors: 2
expect 2 "^pagetop: --sort: expected pages, bytes, share, delta, rate, delta_base, peak, score, first_seen or label, found 'bogus'$" \
	-b --sort bogus "$demo"
expect 2 "^pagetop: --sort: expected KEY:asc or KEY:desc, found 'pages:up'$" -b --sort pages:up "$demo"
expect 2 "^pagetop: --group: expected stack, caller, function, module, file or directory, found 'stacks'$" -b --group stacks "$demo"
expect 2 "^pagetop: -n: expected a whole number of samples, found '0'$" -b -n 0 "$demo"
expect 2 "^pagetop: -n: expected a whole number of samples, found 'ten'$" -b -n ten "$demo"
expect 2 "^pagetop: -n: expected a whole number of samples, found '1.5'$" -b -n 1.5 "$demo"
expect 2 "^pagetop: -n: expected a whole number of samples, found '-3'$" -b -n -3 "$demo"
expect 2 "^pagetop: -d: expected seconds from 0.1 to 86400, found '0.01'$" -b -d 0.01 "$demo"
for r in ../../tmp/x .. /boot '6.1 x' .6.1 -6.1 ''; do
	expect 2 "^pagetop: --kernel-release: expected what uname -r prints \(up to 64 letters, digits, '\.', '_', '\+', '~' or '-', not first '\.' or '-', no '\.\.'\), found '$(printf %s "$r" | sed 's/[.]/\\./g')'$" \
		-b --expand --kernel-release "$r" "$demo"
done
for r in 7.3.4 6.8.0-45-generic 5.14.0-427.13.1.el9_4.x86_64 6.6.30+rpt-rpi-v8; do
	expect 0 "" -b -n 1 --kernel-release "$r" "$demo"
done
expect 2 "^pagetop: --format: expected text, csv, json, folded, openmetrics or pprof, found 'xml'$" -b --format xml "$demo"
expect 2 "^pagetop: --limit: expected a whole number of rows, found '-1'$" -b --limit -1 "$demo"
for t in many 1.5 -1 101% 64X 64Mi 1,5M; do
	expect 2 "^pagetop: --threshold: expected pages \(64\), bytes \(256K, 64M, 1G\) or a share of the total \(0\.5%\), found '$t'$" -b --threshold "$t" "$demo"
done
for t in 64 256K 64M 1G 0.5% 100%; do
	expect 0 "" -b -n 1 --threshold "$t" "$demo"
done
expect 2 "^pagetop: --page-size: expected bytes from 512 to 16777216, found '100'$" -b --page-size 100 "$demo"
expect 2 "^pagetop: bad filter \"\(\": " -b --filter '(' "$demo"
expect 2 "^pagetop: --live reads the running kernel: drop the SOURCE" --live "$demo"
expect 2 "unrecognized option '--bogus'" -b --bogus "$demo"
expect 2 "invalid option -- 'z'" -b -z "$demo"
expect 2 "option '--sort' requires an argument" -b --sort

# -- bad input: 1, with FILE:LINE: expected ..., found ...
printf 'this is not page_owner\n' >"$tmp/junk"
expect 1 "^pagetop: $tmp/junk:1: expected a stack frame \(\" name\+0xOFF/0xSIZE\"\), found \"this is not page_owner\"$" \
	-b "$tmp/junk"
printf ' a+0x1/0x2\nnr_base_pages: 1\n\n b+0x1/0x2\nnr_base_pages: 99999999999999999999\n' >"$tmp/big"
expect 1 "^pagetop: $tmp/big:5: expected a page count from 0 to 2\^48, found \"nr_base_pages: 99999999999999999999\"$" \
	-b "$tmp/big"
printf ' a+0x1/0x2\nnr_base_pages: 1\n\n b+0x1/0x2\n\n' >"$tmp/nocount"
expect 1 "^pagetop: $tmp/nocount:5: expected \"nr_base_pages: N\" after the frames, found " -b "$tmp/nocount"
: >"$tmp/empty"
expect 1 "^pagetop: $tmp/empty: expected page_owner records, found an empty file$" -b "$tmp/empty"
printf 'handle: 5\nnr_base_pages: 1\n\n' >"$tmp/handles"
expect 1 "^pagetop: $tmp/handles: show_handles has counts but no stacks: give the show_stacks_handles read with it too$" \
	-b "$tmp/handles"
printf ' a+0x1/0x2\nnr_base_pages: 1\n\n\000\n' >"$tmp/binary"
expect 1 "^pagetop: $tmp/binary:4: expected text, found binary data \(a NUL byte\)$" -b "$tmp/binary"
head -c 3000 "$data/plain/0030.show_stacks" | gzip -c | head -c 600 >"$tmp/cut.gz"
expect 1 "^pagetop: $tmp/cut.gz: .*(truncated|ends early)" -b "$tmp/cut.gz"
# a missing file, a folder without snapshots
expect 1 "^pagetop: /nonexistent/pagetop/snap: cannot open: No such file or directory$" -b /nonexistent/pagetop/snap
mkdir "$tmp/nothing"
expect 1 "^pagetop: $tmp/nothing: expected snapshot files" -b "$tmp/nothing"
# standard input: the message names it
printf 'garbage\n' | "$PAGETOP" -b - >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "garbage on stdin: exit status $rc, expected 1"
grep -q '^pagetop: standard input:1: expected a stack frame' "$tmp/err" ||
	fail "garbage on stdin: $(cat "$tmp/err")"

# a bad snapshot in the middle of a series: the samples before it are printed, then 1
mkdir "$tmp/series"
cp "$data/plain/0030.show_stacks" "$tmp/series/snap.1"
# snap.2: one record, then one cut short after its second frame (line 5)
printf ' a+0x1/0x2\nnr_base_pages: 1\n\n b+0x1/0x2\n c+0x1/0x2\n' >"$tmp/series/snap.2"
# snap.3: a frame, then garbage on line 2
printf ' a+0x1/0x2\njunk\n' >"$tmp/series/snap.3"
"$PAGETOP" -b --format csv "$tmp/series" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "series with a bad snapshot: exit status $rc, expected 1"
grep -q "^pagetop: $tmp/series/snap.3:2: expected a stack frame or \"nr_base_pages: N\", found \"junk\"$" "$tmp/err" ||
	fail "series with a bad snapshot: $(cat "$tmp/err")"
grep -q '^0,' "$tmp/out" || fail "series with a bad snapshot: sample 0 was not printed"
grep -q '^1,' "$tmp/out" || fail "series with a bad snapshot: sample 1 was not printed"
# snap.2's last record is cut short: a warning naming the line the record starts on
grep -q "^pagetop: $tmp/series/snap.2:4: the last record is cut short (truncated file?): ignored it, kept the 1 before it$" "$tmp/err" ||
	fail "series with a truncated snapshot: no warning for snap.2:4: $(cat "$tmp/err")"

# -- truncated last record: a warning, status 0, the records before are kept
head -n 300 "$data/plain/0030.show_stacks" >"$tmp/cut"
sed -n 300p "$tmp/cut" | grep -q '^ ' || fail "test setup: line 300 of 0030.show_stacks is not a frame"
"$PAGETOP" -b --format folded "$tmp/cut" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "truncated file: exit status $rc, expected 0"
grep -q "^pagetop: $tmp/cut:[0-9]*: the last record is cut short (truncated file?): ignored it, kept the [1-9][0-9]* before it$" "$tmp/err" ||
	fail "truncated file: no warning: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq "$(head -n 300 "$tmp/cut" | grep -c '^nr_base_pages: [1-9]')" ] ||
	fail "truncated file: not every complete record was kept"

# -- --kernel-threshold on a fake tree whose count_threshold is a link to a file outside:
# refused with the reason, the file left as it was
mkdir -p "$tmp/debug/page_owner_stacks"
xz -dc "$data/small/0000.show_stacks.xz" >"$tmp/debug/page_owner_stacks/show_stacks"
printf '1234\nmore text\n' >"$tmp/outside"
ln -s "$tmp/outside" "$tmp/debug/page_owner_stacks/count_threshold"
expect 1 "^pagetop: not writing $tmp/debug/page_owner_stacks/count_threshold: it is a symbolic link, or a folder on its way is one; pagetop writes count_threshold only to the file itself \(run without --kernel-threshold\)$" \
	-b -n 1 --debugfs "$tmp/debug" --kernel-threshold 5
[ "$(cat "$tmp/outside")" = "$(printf '1234\nmore text')" ] ||
	fail "--kernel-threshold through a link changed the file outside: $(cat "$tmp/outside")"
grep -q 'count_threshold set to' "$tmp/err" && fail "--kernel-threshold through a link: $(cat "$tmp/err")"

# -- help and version: 0 on stdout
"$PAGETOP" --help >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "--help: exit status $rc"
grep -q '^Usage: pagetop ' "$tmp/out" || fail "--help: no usage line"
grep -q -- '--sort=KEY' "$tmp/out" || fail "--help: no --sort"
[ -s "$tmp/err" ] && fail "--help wrote to stderr"
"$PAGETOP" -h >"$tmp/out2" 2>/dev/null || fail "-h: non-zero exit"
cmp -s "$tmp/out" "$tmp/out2" || fail "-h and --help differ"
"$PAGETOP" --version >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "--version: exit status $rc"
grep -Eq '^pagetop [0-9]+\.[0-9]+' "$tmp/out" || fail "--version: $(head -1 "$tmp/out")"
"$PAGETOP" -V >"$tmp/out2" 2>/dev/null || fail "-V: non-zero exit"
cmp -s "$tmp/out" "$tmp/out2" || fail "-V and --version differ"

# -- output errors: a full disk is an error; a closed pipe is not
"$PAGETOP" -b --format csv "$data/plain/0030.show_stacks" >/dev/full 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "writing to /dev/full: exit status $rc, expected 1"
grep -q '^pagetop: cannot write the output: ' "$tmp/err" || fail "/dev/full: $(cat "$tmp/err")"
("$PAGETOP" -b "$demo" 2>"$tmp/err"; echo $? >"$tmp/rc") | head -n 1 >/dev/null
[ "$(cat "$tmp/rc")" = 0 ] || fail "closed pipe: exit status $(cat "$tmp/rc"), expected 0"
[ -s "$tmp/err" ] && fail "closed pipe: stderr: $(cat "$tmp/err")"

# -- good runs: 0, nothing on stderr
expect 0 '' -b -n 2 --sort rate:asc --group module --format json "$demo"
expect 0 '' -b -n 1 --page-size 16384 --format csv "$data/plain/0030.show_stacks"
grep -q ',16384,' "$tmp/out" && [ "$(sed -n 2p "$tmp/out" | cut -d, -f5-6)" = "$(sed -n 2p "$tmp/out" | awk -F, '{print $5 "," $5 * 16384}')" ] ||
	fail "--page-size: bytes are not pages times 16384: $(sed -n 2p "$tmp/out")"
expect 0 '' -b --alloc-pattern 'prep_*' --alloc-pattern 'get_page*' --format folded --group caller "$data/plain/0030.show_stacks"
grep -q '^__alloc_frozen_pages_noprof ' "$tmp/out" || fail "--alloc-pattern: callers not re-placed: $(head -3 "$tmp/out")"

if [ "$failed" -ne 0 ]; then
	echo "$failed failure(s)"
	exit 1
fi
echo "all command line checks passed"
exit 0
