#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# page-owner-sort.sh - every question the kernel's page_owner_sort answers, asked of it and
# of pagetop on the same real dump (tests/data/small/page_owner.xz), the numbers compared:
# the pagetop command for each is the one doc/page_owner_sort.md gives. page_owner_sort is
# built from Debian's linux-source package, as bench/get-page-owner-sort.sh does (once per
# build tree: tests/out/page_owner_sort).
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
LC_ALL=C.UTF-8
export LC_ALL

ls /usr/src/linux-source-*.tar.xz >/dev/null 2>&1 ||
	missing "a kernel source tarball for page_owner_sort" "apt-get install linux-source-6.1"
require cc gcc
require xz xz-utils
out=${top_builddir:-$top_srcdir}/tests/out
if ! [ -x "$out/page_owner_sort" ]; then
	BENCH_OUT=$out sh "$top_srcdir/bench/get-page-owner-sort.sh" >/dev/null ||
		{ echo "ERROR: page_owner_sort did not build"; exit 99; }
fi
POS=$out/page_owner_sort

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-pos.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
dump=$tmp/page_owner.txt
xz -dc "$top_srcdir/tests/data/small/page_owner.xz" >"$dump" || exit 99
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

ok() {
	passed=$((passed + 1))
}

# pos ARGS...: page_owner_sort's result lines ("N times, M pages, ...") in $tmp/pos
pos() {
	"$POS" "$@" "$dump" "$tmp/pos.out" >/dev/null 2>"$tmp/pos.err" ||
		{ fail "page_owner_sort $*: $(head -c 200 "$tmp/pos.err")"; return 1; }
	grep -E '^[0-9]+ times, [0-9]+ pages' "$tmp/pos.out" >"$tmp/pos"
}

# pt ARGS...: pagetop -b --format csv ARGS on the dump, rows "VALUE|VALUE2|PAGES|BLOCKS"
pt() {
	"$PAGETOP" -b --format csv "$@" "$dump" >"$tmp/pt.csv" 2>"$tmp/pt.err" ||
		{ fail "pagetop $*: $(head -c 200 "$tmp/pt.err")"; return 1; }
	awk -F'"' 'NR > 1 { split($5, n, ","); print $2 "|" $4 "|" n[2] "|" n[4] }' \
		"$tmp/pt.csv" >"$tmp/pt"
}

same() { # WHAT FILE-A FILE-B: the same lines, in order
	if cmp -s "$2" "$3"; then ok; else
		fail "$1: page_owner_sort and pagetop differ (< page_owner_sort, > pagetop):"
		diff "$2" "$3" | head -10
	fi
}

# "times pages" of page_owner_sort against "blocks pages" of pagetop's first level
pos_nums() { sed -E 's/^([0-9]+) times, ([0-9]+) pages.*/\1 \2/' "$tmp/pos"; }
pt_nums() { awk -F'|' '$2 == "" { print $4, $3 }' "$tmp/pt"; }

# --- no --cull: one entry per block record (the ts in every header keeps them apart);
# the sums are the dump's, which pagetop's header says
pos && pos_nums | awk '{ b += $1; p += $2 } END { print b, p }' >"$tmp/a" &&
	"$PAGETOP" -b --sort blocks "$dump" |
	sed -nE 's/^Selected ([0-9,]+) blocks, ([0-9,]+) pages.*/\1 \2/p' | tr -d , >"$tmp/b" &&
	same "every block (no --cull), sums" "$tmp/a" "$tmp/b"

# --- --cull KEY: the groups of --group KEY, their times (blocks) and pages
cull() { # CULL PAGETOP-GROUP SED (the key from a page_owner_sort line)
	pos --cull "$1" || return
	sed -E "$3" "$tmp/pos" | sort >"$tmp/a"
	pt --group "$2" || return
	awk -F'|' '$2 == "" { print $1 "|" $4 "|" $3 }' "$tmp/pt" | sort >"$tmp/b"
	same "--cull $1 = --group $2" "$tmp/a" "$tmp/b"
}
cull pid pid 's/^([0-9]+) times, ([0-9]+) pages, PID ([0-9]+).*/\3|\1|\2/'
cull tgid tgid 's/^([0-9]+) times, ([0-9]+) pages, TGID ([0-9]+).*/\3|\1|\2/'
cull name comm 's/^([0-9]+) times, ([0-9]+) pages, task_comm_name: (.*)$/\3|\1|\2/'
cull allocator class 's/^([0-9]+) times, ([0-9]+) pages, allocated by (.*) $/\3|\1|\2/'

# --cull stacktrace: a stack's times and pages; its frames are the printed lines after it
pos --cull stacktrace && awk '/^[0-9]+ times, [0-9]+ pages/ { if (k != "") print k "|" n
		sub(/:$/, ""); split($0, w, " "); n = w[1] "|" w[3]; k = ""; next }
	/^ / { k = k $0 } END { if (k != "") print k "|" n }' "$tmp/pos.out" | sort >"$tmp/a" &&
	"$PAGETOP" -b --sort blocks --expand --no-symbols "$dump" | awk '
		/^ +[0-9]+ +[0-9.]+ [KMG]?i?B +[0-9]+ / { if (k != "") print k "|" n; n = $4 "|" $1; k = ""; next }
		n != "" && substr($0, 1, 45) == sprintf("%45s", "") && /^ +[> ] [^ ]/ { sub(/^ +[> ] /, " "); k = k $0 } END { if (k != "") print k "|" n }' |
	sort >"$tmp/b" && same "--cull stacktrace = --sort blocks (stacks)" "$tmp/a" "$tmp/b"
[ "$(wc -l <"$tmp/b")" -gt 100 ] && ok || fail "--cull stacktrace: $(wc -l <"$tmp/b") stacks compared"

# two keys: page_owner_sort's groups of pid and name are pagetop's second level
pos --cull pid,name &&
	sed -E 's/^([0-9]+) times, ([0-9]+) pages, PID ([0-9]+), task_comm_name: (.*)$/\3|\4|\1|\2/' \
		"$tmp/pos" | sort >"$tmp/a" &&
	pt --group pid,comm &&
	awk -F'|' '$2 != "" { print $1 "|" $2 "|" $4 "|" $3 }' "$tmp/pt" | sort >"$tmp/b" &&
	same "--cull pid,name = --group pid,comm" "$tmp/a" "$tmp/b"

# --- sorting: the order of the groups
order() { # WHAT POS-ARGS PAGETOP-ARGS SED
	pos $2 || return
	sed -E "$4" "$tmp/pos" >"$tmp/a"
	pt $3 || return
	awk -F'|' '$2 == "" { print $1 }' "$tmp/pt" >"$tmp/b"
	same "$1" "$tmp/a" "$tmp/b"
}
order "-p (pid)" "-p --cull pid" "--group pid --sort key" 's/.*PID ([0-9]+).*/\1/'
order "-P (tgid)" "-P --cull tgid" "--group tgid --sort key" 's/.*TGID ([0-9]+).*/\1/'
order "-n (command)" "-n --cull name" "--group comm --sort key" 's/.*task_comm_name: (.*)$/\1/'
order "--sort=-tgid" "--sort=-tgid --cull tgid" "--group tgid --sort key:desc" 's/.*TGID ([0-9]+).*/\1/'
# -m, -t: by pages, by times; ties are in no order in page_owner_sort: the numbers only
for s in "-m pages" "-t blocks"; do
	set -- $s
	pos "$1" --cull name && pos_nums | if [ "$2" = pages ]; then awk '{ print $2 }'; else awk '{ print $1 }'; fi >"$tmp/a" &&
		pt --group comm --sort "$2" &&
		if [ "$2" = pages ]; then awk -F'|' '{ print $3 }' "$tmp/pt"; else awk -F'|' '{ print $4 }' "$tmp/pt"; fi >"$tmp/b" &&
		same "$1 (by $2)" "$tmp/a" "$tmp/b"
done

# --- selection: --pid, --tgid, --name (lists)
select_() { # POS-OPTION PAGETOP-OPTION LIST
	pos "$1" "$3" --cull stacktrace && pos_nums | awk '{ b += $1; p += $2 } END { print b + 0, p + 0 }' >"$tmp/a" &&
		pt "$2" "$3" && pt_nums | awk '{ b += $1; p += $2 } END { print b + 0, p + 0 }' >"$tmp/b" &&
		same "$1 $3 = $2 $3" "$tmp/a" "$tmp/b"
	[ "$(cat "$tmp/b")" != "0 0" ] && ok || fail "$2 $3: nothing selected"
}
select_ --pid --pid 169,54
select_ --tgid --tgid 1,2,54
select_ --name --comm dd,insmod,kworker/u4:0
pos --pid 169,54 --cull stacktrace && pos_nums | sort >"$tmp/a" &&
	pt --pid 169,54 --sort blocks && pt_nums | sort >"$tmp/b" &&
	same "--pid 169,54 --cull stacktrace = --pid 169,54 --sort blocks" "$tmp/a" "$tmp/b"

echo "page-owner-sort.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
