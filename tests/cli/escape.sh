#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# escape.sh - text from the input never reaches the terminal as control characters:
# frame texts, module names, task names (the per-block dump) and file names holding ESC,
# BEL, CSI (C1, C2 9B), DEL and a byte that is no UTF-8, through every format of
# pagetop -b and of pagetop diff, warnings and errors on standard error, --check-symbols
# and pagetop record's messages (doc/formats.md, "Control characters").
#
# An output is safe when it holds no C0 byte but newline and tab, no DEL, and is UTF-8
# without a C1 character (in the C locale: no byte from 0x80 to 0x9f at all). Each check
# also looks for the escape it expects, so that it cannot pass on input the parser
# dropped.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

data=$top_srcdir/tests/data
bad=$data/bad
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-escape.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# unsafe FILE [8bit]: prints the offset and byte of the first unsafe byte of FILE, if any
unsafe() {
	od -An -v -tu1 "$1" | awk -v eight="${2:-}" '
	{
		for (i = 1; i <= NF; i++) {
			b = $i + 0
			if (need) {
				# a continuation byte; C1 is C2 80..C2 9F
				if (b < 128 || b > 191 || (c2 && b < 160)) { print off ": " b; exit }
				need--
				c2 = 0
			} else if ((b < 32 && b != 9 && b != 10) || b == 127) {
				print off ": " b; exit
			} else if (eight != "") {
				if (b >= 128 && b < 160) { print off ": " b; exit }
			} else if (b >= 194 && b <= 223) {
				need = 1; c2 = b == 194
			} else if (b >= 224 && b <= 239) {
				need = 2
			} else if (b >= 240 && b <= 244) {
				need = 3
			} else if (b >= 128) {
				print off ": " b; exit
			}
			off++
		}
	}
	END { if (need && !eight) print off ": cut short" }'
}

# check NAME FILE WANT [8bit]: FILE is safe and holds WANT (a fixed string; empty: anything)
check() {
	bytes=$(unsafe "$2" "${4:-}")
	if [ -n "$bytes" ]; then
		fail "$1: a control character or a byte that is no UTF-8 at $bytes:"
		od -c "$2" | head -20
	elif [ -n "$3" ] && ! grep -qF -- "$3" "$2"; then
		fail "$1: no '$3' in:"
		head -c 2000 "$2"
		echo
	else
		passed=$((passed + 1))
	fi
}

# run NAME WANT_OUT WANT_ERR ARGS...: runs pagetop ARGS; both streams are safe, stdout
# holds WANT_OUT and stderr WANT_ERR (an empty one: anything)
run() {
	name=$1 want_out=$2 want_err=$3
	shift 3
	"$PAGETOP" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	check "$name (stdout)" "$tmp/out" "$want_out"
	check "$name (stderr)" "$tmp/err" "$want_err"
}

# the checker itself: it finds each kind of byte it must find
for b in '\033' '\007' '\177' '\302\233' '\200' '\302' '\r'; do
	# shellcheck disable=SC2059 # the format turns $b into its byte
	printf "ok$b ok\n" >"$tmp/probe"
	[ -n "$(unsafe "$tmp/probe")" ] || fail "the checker finds nothing in 'ok$b ok'"
done
printf 'ok\tok \303\237 \342\226\274 \360\237\230\200\n' >"$tmp/probe"
[ -z "$(unsafe "$tmp/probe")" ] || fail "the checker rejects tab and UTF-8: $(unsafe "$tmp/probe")"

stacks=$bad/escape.show_stacks
dump=$bad/escape.page_owner

# -- pagetop -b, every format, frames, module names and labels
for g in stack module; do
	run "text --group $g" 'esc\x1b[31m\x7fmod' '' -b --expand --no-symbols --group $g "$stacks"
	run "csv --group $g" 'esc\x1b[31m\x7fmod' '' -b --expand --format csv --group $g "$stacks"
	run "json --group $g" 'esc\u001b[31m\u007fmod' '' -b --expand --format json --group $g "$stacks"
	run "folded --group $g" 'esc\x1b[31m\x7fmod' '' -b --format folded --group $g "$stacks"
done
run "text title" 'title\x1b]0;owned\x07' '' -b --expand --no-symbols "$stacks"
run "csv title" '"title\x1b]0;owned\x07' '' -b --expand --format csv "$stacks"
run "json title" 'title\u001b]0;owned\u0007' '' -b --expand --format json "$stacks"
run "text C1" 'csi\u009b2J' '' -b --expand --no-symbols "$stacks"
run "text byte" 'lone\x80byte' '' -b --expand --no-symbols "$stacks"
run "csv C1" 'c1\u009bmod' '' -b --expand --format csv "$stacks"
run "json C1" 'csi\u009b2J' '' -b --expand --format json "$stacks"
run "json byte" 'lone\ufffdbyte' '' -b --expand --format json "$stacks"
run "folded C1" 'csi\u009b2J [c1\u009bmod]' '' -b --format folded "$stacks"
run "folded byte" 'lone\x80byte [bad\x80mod]' '' -b --format folded "$stacks"
# the folded format keeps its separators: frames by ';', the count after the last space
"$PAGETOP" -b --format folded "$stacks" >"$tmp/out" 2>&1
grep -qxF 'clear\x1b[2J\x1b[H;lone\x80byte [bad\x80mod];csi\u009b2J [c1\u009bmod];get_page_from_freelist;prep_new_page 12' "$tmp/out" ||
	fail "folded: the stack of 12 pages is not as expected: $(cat "$tmp/out")"

# -- the per-block dump: the task name
run "text comm" '(evil\x1b]0;x\x07\u009b\x7f\x80)' '' -b --expand --no-symbols "$dump"
run "json comm" '"comm":"evil\u001b]0;x\u0007\u009b\u007f\ufffd"' '' -b --format json "$dump"
run "csv dump" 'title\x1b]0;owned\x07' '' -b --format csv "$dump"
run "folded dump" 'title\x1b]0;owned\x07' '' -b --format folded "$dump"

# -- warnings: module names without debug info
run "warnings" '' 'no source lines for esc\x1b[31m\x7fmod' -b --expand "$stacks"
run "warnings C1" '' 'no source lines for c1\u009bmod' -b --expand --format json "$stacks"

# -- --check-symbols: object names and reasons
run "check-symbols" 'esc\x1b[31m\x7fmod' '' --check-symbols "$stacks"
grep -qF "'c1\\u009bmod' is not a module name" "$tmp/out" || fail "check-symbols: no reason for c1\\u009bmod"

# -- pagetop diff, every format
a=$data/plain/0030.show_stacks
run "diff text" 'title\x1b]0;owned\x07 [esc\x1b[31m\x7fmod]' '' diff --expand "$a" "$stacks"
run "diff csv" 'lone\x80byte' '' diff --expand --format csv "$a" "$stacks"
run "diff json" 'csi\u009b2J' '' diff --expand --format json "$a" "$stacks"
run "diff json byte" 'lone\ufffdbyte' '' diff --expand --format json "$a" "$stacks"
run "diff folded" 'csi\u009b2J [c1\u009bmod]' '' diff --format folded "$a" "$stacks"
run "diff ignore-offsets" 'esc\x1b[31m\x7fmod' '' diff --ignore-offsets --expand "$a" "$stacks"
run "diff folded comm" 'title\x1b]0' '' diff --format folded "$a" "$dump"

# -- a recording: its frames as the file keeps them, read back
"$PAGETOP" record --from "$stacks" -o "$tmp/esc.ptrec" 2>"$tmp/err" ||
	fail "record --from $stacks: $(cat "$tmp/err")"
run "recording text" 'title\x1b]0;owned\x07 [esc\x1b[31m\x7fmod]' '' -b --expand --no-symbols "$tmp/esc.ptrec"
run "recording json" 'lone\ufffdbyte' '' -b --expand --format json "$tmp/esc.ptrec"

# -- file names: on the command line, in folders, in errors
esc=$(printf 'n\033]0;t\007\302\233\177\200')
mkdir "$tmp/d"
cp "$stacks" "$tmp/d/x$esc.show_stacks"
run "file name in the header" "x$(printf 'n\\x1b]0;t\\x07\\u009b\\x7f\\x80').show_stacks" '' \
	-b --no-symbols "$tmp/d/x$esc.show_stacks"
printf ' ok+0x1/0x2\nbad line \302\233 here\n' >"$tmp/d/y$esc"
run "parse error" '' 'yn\x1b]0;t\x07\u009b\x7f\x80:2: expected' -b "$tmp/d/y$esc"
grep -qF 'found "bad line \u009b here"' "$tmp/err" || fail "parse error: the line is not quoted: $(cat "$tmp/err")"
rm "$tmp/d/y$esc"
mkdir "$tmp/d/$esc.show_stacks"
run "folder warning" '' 'n\x1b]0;t\x07\u009b\x7f\x80.show_stacks: skipped' -b --format folded "$tmp/d"
rmdir "$tmp/d/$esc.show_stacks"
run "diff no sample" '' "x$(printf 'n\\x1b]0;t\\x07\\u009b\\x7f\\x80').show_stacks: no sample 3" \
	diff "$a" "$tmp/d/x$esc.show_stacks@3"
run "diff usage" '' "what is 'n\\x1b]0;t" diff "$a" "$a" "$esc"
run "usage" '' "found 'n\\x1b]0;t" -b --sort "$esc" "$stacks"
run "record argument" '' 'unexpected argument n\x1b]0;t' record -o "$tmp/r" "$esc"
printf ' ok+0x1/0x2\nbad \033[2J\n' >"$tmp/bad$esc"
run "record error" '' 'expected a stack frame' record --from "$tmp/bad$esc" -o "$tmp/r.ptrec"

# -- debug info: a file name of the DWARF and a source line with control characters
# (both come from whoever built the debug file or the source tree)
mkdir -p "$tmp/dw/build" "$tmp/dw/mods" "$tmp/dw/src"
printf 'one\ntwo\nevil \033]0;owned\007 \302\233 line\n' >"$tmp/dw/src/$(printf 'c\033[31mtl.c')"
cat >"$tmp/dw/build/ctl.c" <<'EOF'
void hit_ctl(void);
#line 3 "c\033[31mtl.c"
__attribute__((noinline)) void ctl_fn(void) { hit_ctl(); }
EOF
if (cd "$tmp/dw/build" && gcc -g -O2 -fno-optimize-sibling-calls -fno-pie -c ctl.c -o ctl.o &&
	ld -r -o ../mods/ctl.ko ctl.o); then
	# the frame the kernel would print: the call's return address in ctl_fn
	off=$(readelf -rW "$tmp/dw/mods/ctl.ko" | awk '/hit_ctl/ { print $1; exit }')
	size=$(nm -S "$tmp/dw/mods/ctl.ko" | awk '$4 == "ctl_fn" { print $2 }')
	printf ' ctl_fn+0x%x/0x%x [ctl]\nnr_base_pages: 5\n\n' $((0x$off + 4)) $((0x$size)) >"$tmp/dw/snap"
	run "DWARF file name" 'ctl_fn (c\x1b[31mtl.c:3)' '' -b --expand --modules "$tmp/dw/mods" \
		--source-dir "$tmp/dw/src" "$tmp/dw/snap"
	grep -qF '| evil \x1b]0;owned\x07 \u009b line' "$tmp/out" ||
		fail "source line: not shown escaped: $(cat "$tmp/out")"
	run "DWARF in json" '"source":"evil \u001b]0;owned\u0007 \u009b line"' '' -b --expand \
		--format json --modules "$tmp/dw/mods" --source-dir "$tmp/dw/src" "$tmp/dw/snap"
	grep -qF '"file":"'"$tmp"'/dw/build/c\u001b[31mtl.c"' "$tmp/out" ||
		fail "DWARF file name in json: $(cat "$tmp/out")"
else
	fail "cannot build ctl.ko with gcc and ld"
fi

# -- the environment: TERM in the message for a terminal type curses does not know, which
# needs a terminal on standard output (script(1) gives one; \r is the terminal's)
TERM="x$esc" script -qec "'$PAGETOP' -n 1 --no-symbols '$stacks'" /dev/null </dev/null 2>&1 |
	tr -d '\r' >"$tmp/out"
check "TERM in a message" "$tmp/out" \
	"terminal type 'x$(printf 'n\\x1b]0;t\\x07\\u009b\\x7f\\x80')': batch output instead"

# -- an 8-bit locale: the bytes 0x80..0x9f are C1 there, escaped one by one
LC_ALL=C "$PAGETOP" -b --expand --no-symbols "$stacks" >"$tmp/out" 2>"$tmp/err"
check "C locale text" "$tmp/out" '\x9b2J [c1' 8bit
LC_ALL=C "$PAGETOP" -b --expand "$stacks" >"$tmp/out" 2>"$tmp/err"
check "C locale warnings" "$tmp/err" 'bad\x80mod'"'"' is not a module name' 8bit
# machine formats do not depend on the locale
LC_ALL=C "$PAGETOP" -b --expand --format csv "$stacks" >"$tmp/c.csv" 2>&1
"$PAGETOP" -b --expand --format csv "$stacks" >"$tmp/u.csv" 2>&1
sed 1,1d "$tmp/c.csv" | cut -d, -f13- >"$tmp/c.rows"
sed 1,1d "$tmp/u.csv" | cut -d, -f13- >"$tmp/u.rows"
cmp -s "$tmp/c.rows" "$tmp/u.rows" || fail "CSV differs between the C and C.UTF-8 locales"

if [ "$failed" -ne 0 ]; then
	echo "$failed failure(s), $passed passed"
	exit 1
fi
echo "all $passed escape checks pass"
exit 0
