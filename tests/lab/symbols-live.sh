#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lab/symbols-live.sh - every frame of the 7.3.4 fixtures resolves against the kernel lab's
# debug info (the kernel lab: vmlinux.xz with full DWARF, modules/*.ko), and agrees
# with eu-addr2line -f -i at the same address, function by function and file:line:column
# by file:line:column, for every inlined level; then, in the lab's VM, that live pagetop checks
# the build ids of /sys/kernel/notes and /sys/module/NAME/notes. Run by "make check-live".
#
# The address is pagetop's own (symbol + offset - 1), and is checked independently too:
# the symbol at address - offset + 1 must carry the frame's name (nm on the uncompressed
# vmlinux, eu-readelf on the modules). vmlinux is ET_EXEC: eu-addr2line takes the address
# as is. A module is ET_REL, whose sections have no address of their own: eu-addr2line -j
# SECTION takes the offset in the section, which is what the symbol table's value plus
# the frame's offset minus one is.
#
# Environment: KERNEL_LAB (default $top_srcdir/../shared/kernel-lab), LAB_FIXTURES (default
# $KERNEL_LAB/../fixtures), top_srcdir, top_builddir.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
SYMRES=${SYMRES:-$top_builddir/tests/unit/symres}
PAGETOP=${PAGETOP:-$top_builddir/src/pagetop}
export LC_ALL=C.UTF-8 LANGUAGE=

. "$top_srcdir/tests/lib.sh"
require_lab
[[ -x $SYMRES ]] || missing "tests/unit/symres built ($SYMRES)" "make tests/unit/symres"
[[ -x $PAGETOP ]] || missing "pagetop built ($PAGETOP)" "make"
require eu-addr2line elfutils
require eu-readelf elfutils
require nm binutils
# The fixtures of the kernel this vmlinux is, 7.3.4, only: another kernel's frames (lab-6.12-*)
# name functions this one lacks, or has at another size.
LAB_FIXTURES=${LAB_FIXTURES:-$KERNEL_LAB/../fixtures}
for d in lab-7.3.4-demo lab-7.3.4-small; do
	[[ -d $LAB_FIXTURES/$d ]] ||
		missing "the lab's fixtures $LAB_FIXTURES/$d" "set LAB_FIXTURES to their folder"
done

T=$(mktemp -d /tmp/pagetop-symbols.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# ---- the frames: every distinct frame line of the lab's fixtures ------------------------
{
	for f in "$top_srcdir"/tests/data/demo/* "$top_srcdir"/tests/data/small/* \
		 "$top_srcdir"/tests/data/plain/* "$LAB_FIXTURES"/lab-7.3.4-*/*; do
		[[ -f $f ]] || continue
		case $f in
		*.xz) xz -dc "$f" ;;
		*.gz) gzip -dc "$f" ;;
		*.uptime|*kernel-notes.bin|*/page-size|*/kernel-release|*.md) ;;
		*) cat "$f" ;;
		esac
	done
} | sed -n 's/^ \(.*[^ ]\) *$/\1/p' | LC_ALL=C sort -u > "$T/frames"
nframes=$(wc -l < "$T/frames")
echo "frames: $nframes distinct"
[[ $nframes -ge 500 ]] || fail "expected hundreds of frames in the fixtures, found $nframes"
# Two frames that must not resolve, in the same run: a function this kernel lacks, and one it
# has at another size (a frame of Linux 6.12's).
printf '%s\n' pagetop_no_such_function+0x10/0x20 __alloc_pages_noprof+0x102/0x126 > "$T/canary"

start=$(date +%s.%N)
grep -vxF -f "$T/canary" "$T/frames" | cat - "$T/canary" | "$SYMRES" -t -v "$KERNEL_LAB/vmlinux.xz" -m "$KERNEL_LAB/modules" \
	-b 39c628f08de750126d96253099dff1f755e473a7 > "$T/all" 2> "$T/timing"
rc=$?
end=$(date +%s.%N)
[[ $rc -eq 0 ]] && pass "symres exits 0" || fail "symres exits $rc"
sed 's/^/  /' "$T/timing"
awk -F'\t' -v res="$T/res" -v can="$T/canary.res" 'NR == FNR { c[$1] = 1; next }
	{ print > ($1 in c ? can : res) }' "$T/canary" "$T/all"

# Every frame but bare addresses resolves; and the check sees a frame that does not.
unresolved() { awk -F'\t' '$2 != "ok" && $2 != "raw"' "$@"; }
if [[ $(unresolved "$T/canary.res" | wc -l) -eq 2 ]]; then
	pass "frames that cannot resolve are seen: $(cut -f1,2 "$T/canary.res" | tr '\t\n' ' ;')"
else
	fail "frames that cannot resolve passed for resolved:"
	sed 's/^/  /' "$T/canary.res"
fi
unresolved "$T/res" > "$T/notok"
if [[ -s $T/notok ]]; then
	fail "$(wc -l < "$T/notok") frames did not resolve:"
	head -20 "$T/notok" | sed 's/^/  /'
else
	pass "every named frame resolves ($(awk -F'\t' '$2 == "ok"' "$T/res" | wc -l) frames; $(awk -F'\t' '$2 == "raw"' "$T/res" | wc -l) bare addresses stay raw)"
fi
awk -F'\t' '$2 == "raw" && $1 !~ /^0x[0-9a-f]+$/' "$T/res" > "$T/badraw"
[[ -s $T/badraw ]] && fail "frames left raw that have a name: $(head -3 "$T/badraw")"

# ---- the references --------------------------------------------------------------------
# eu-addr2line -a -f -i: per address a "0x..." line, then pairs of lines (function,
# file:line[:column]); the first function line of an inlined address reads "NAME inlined
# at ... in ...". Turn each address into one line: ADDRESS \t FUNC@FILE:LINE[:COL] ...
a2l_parse() {
	awk '
	/^0x[0-9a-f]+$/ { if (n) print line; line = ""; n = 1; fn = ""; expect = "func"; next }
	expect == "func" { fn = $1; expect = "src"; next }
	expect == "src" { line = line "\t" fn "@" $0; expect = "func"; next }
	END { if (n) print line }'
}

# ours, in the same shape: column 0 and unknown lines as eu-addr2line prints them
awk -F'\t' -v OFS='\t' '$2 == "ok" {
	out = ""
	for (i = 7; i <= NF; i++) {
		if (substr($i, 1, 1) == "|") continue
		s = $i
		at = index(s, "@"); fn = substr(s, 1, at - 1); rest = substr(s, at + 1)
		n = split(rest, p, ":")
		col = p[n]; ln = p[n - 1]; file = p[1]
		for (k = 2; k <= n - 2; k++) file = file ":" p[k]
		if (file == "??" || ln == 0) src = "??:0"
		else if (col == 0) src = file ":" ln
		else src = file ":" ln ":" col
		out = out "\t" fn "@" src
	}
	print $1, $3, $4, $5, $6 out
}' "$T/res" > "$T/ours"

# vmlinux: absolute addresses, in one run (eu-addr2line reads the .xz itself)
awk -F'\t' '$2 == "vmlinux" { print $5 }' "$T/ours" > "$T/v.addr"
awk -F'\t' '$2 == "vmlinux"' "$T/ours" > "$T/v.ours"
if [[ -s $T/v.addr ]]; then
	xargs eu-addr2line -a -f -i -e "$KERNEL_LAB/vmlinux.xz" < "$T/v.addr" | a2l_parse > "$T/v.ref"
fi
# modules: offsets in the symbol's section, one run per module and section
: > "$T/m.ours"; : > "$T/m.ref"
for key in $(awk -F'\t' '$2 != "vmlinux" { print $2 "|" $3 }' "$T/ours" | sort -u); do
	mod=${key%%|*}; sec=${key#*|}
	ko=$KERNEL_LAB/modules/$mod.ko
	awk -F'\t' -v m="$mod" -v s="$sec" '$2 == m && $3 == s' "$T/ours" >> "$T/m.ours"
	awk -F'\t' -v m="$mod" -v s="$sec" '$2 == m && $3 == s { print $4 }' "$T/ours" |
		xargs eu-addr2line -a -f -i -e "$ko" -j "$sec" | a2l_parse >> "$T/m.ref"
done

# ---- compare, level by level -----------------------------------------------------------
compare() { # compare OURS REF LABEL
	paste "$1" "$2" | awk -F'\t' -v label="$3" '
	{
		# ours: FRAME OBJ SEC OFF ADDR levels... ; then the reference: "" levels...
		for (i = 6; i <= NF && $i != ""; i++) ;
		nours = i - 6
		ref = ""; ourl = ""
		for (k = 6; k < i; k++) ourl = ourl "\t" $k
		for (k = i + 1; k <= NF; k++) ref = ref "\t" $k
		total++
		if (ourl == ref) same++
		else if (bad++ < 10) printf "  differs: %s\n    pagetop:      %s\n    eu-addr2line: %s\n", $1, ourl, ref
	}
	END { printf "%s %d %d\n", label, same, total > "/dev/stderr" }'
}
compare "$T/v.ours" "$T/v.ref" vmlinux 2> "$T/v.cmp"
compare "$T/m.ours" "$T/m.ref" modules 2> "$T/m.cmp"
read -r _ vs vt < "$T/v.cmp"
read -r _ ms mt < "$T/m.cmp"
same=$((vs + ms)); total=$((vt + mt))
echo "agreement with eu-addr2line -f -i: vmlinux $vs of $vt, modules $ms of $mt, all $same of $total"
if [[ $total -gt 0 && $same -eq $total ]]; then
	pass "all $total resolved frames agree with eu-addr2line -f -i (every inlined level)"
else
	fail "$((total - same)) of $total frames differ from eu-addr2line -f -i"
fi

# ---- the symbol each address was taken from, independently -----------------------------
xz -dc "$KERNEL_LAB/vmlinux.xz" > "$T/vmlinux"
nm "$T/vmlinux" | awk '{ print $1, $NF }' > "$T/v.nm"
for ko in "$KERNEL_LAB"/modules/*.ko; do
	m=$(basename "$ko" .ko)
	# eu-readelf -s: Num: Value Size Type Bind Vis Ndx Name
	eu-readelf -s "$ko" | awk -v m="$m" '$4 == "FUNC" || $4 == "NOTYPE" { print m, $7, $2, $8 }'
done > "$T/m.syms"
awk -F'\t' '$2 == "ok" { print }' "$T/res" | awk -F'\t' -v vnm="$T/v.nm" -v msyms="$T/m.syms" '
	BEGIN {
		while ((getline l < vnm) > 0) { split(l, p, " "); v[tolower(p[1]) " " p[2]] = 1 }
		while ((getline l < msyms) > 0) {
			split(l, p, " "); val = p[3]; sub(/^0+/, "", val); if (val == "") val = "0"
			m[p[1] " " p[2] " " tolower(val) " " p[4]] = 1
		}
	}
	function hex(s,   i, c, n) { n = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; n = n * 16 + c }
		return n }
	function tohex(n,   s, d) { if (n == 0) return "0"; s = ""
		while (n > 0) { d = n % 16; s = substr("0123456789abcdef", d + 1, 1) s; n = (n - d) / 16 }
		return s }
	{
		frame = $1; obj = $3; sec = $4; secoff = hex($5); addr = $6
		name = frame; sub(/\+0x.*/, "", name)
		off = frame; sub(/^[^+]*\+0x/, "", off); sub(/\/.*/, "", off); off = hex(off)
		total++
		if (obj == "vmlinux") {
			a = hex(addr)
			# 64-bit addresses lose their low bits in awk doubles: compare the top and
			# bottom halves separately
			ok = 0
			for (d = 0; d <= 1 && !ok; d++) {
				lo = (hex(substr(addr, length(addr) - 7)) - off + d)
				hi = substr(addr, 3, length(addr) - 10)
				if (lo < 0) continue
				key = sprintf("%s%08s", tolower(hi), tohex(lo)); gsub(/ /, "0", key)
				if ((key " " name) in v) ok = 1
			}
		} else {
			# section index is not in our output: accept a symbol of that name and value
			# in any section of the module
			ok = 0
			for (d = 0; d <= 1 && !ok; d++) {
				s = tohex(secoff - off + d)
				for (k in m) { split(k, p, " "); if (p[1] == obj && p[3] == s && p[4] == name) { ok = 1; break } }
			}
		}
		if (ok) good++
		else if (bad++ < 10) printf "  no symbol %s at address - offset (+1) for %s\n", name, frame
	}
	END { printf "symbols %d %d\n", good, total > "/dev/stderr" }' 2> "$T/s.cmp"
read -r _ sg st < "$T/s.cmp"
if [[ $sg -eq $st && $st -gt 0 ]]; then
	pass "the address of all $st frames is their named symbol + offset - 1 (nm, eu-readelf)"
else
	fail "$((st - sg)) of $st frames: the address is not the named symbol + offset - 1"
fi

# ---- a wrong build id gives no lines, with the reason ----------------------------------
grep '+0x' "$T/frames" | grep -v '\[' | head -5 > "$T/few"
"$SYMRES" -v "$KERNEL_LAB/vmlinux.xz" -b 0123456789abcdef0123456789abcdef01234567 < "$T/few" > "$T/wrong"
if awk -F'\t' '$2 != "no_debug" || $7 !~ /another build/ { bad = 1 } END { exit bad }' "$T/wrong"; then
	pass "a vmlinux of another build id gives no lines and says why"
else
	fail "another build id: $(head -2 "$T/wrong")"
fi

# ---- live, in the lab's VM: build ids from /sys/kernel/notes and /sys/module --------------
RUNVM=$KERNEL_LAB/run-vm
PAGETOP=$(cd "$(dirname "$PAGETOP")" && pwd)/$(basename "$PAGETOP")
lab=$KERNEL_LAB
mkdir -p "$T/other"
cp "$lab/modules/loop.ko" "$T/other/brd.ko" # another module's build id under brd's name
chmod -R a+rX "$T"
{
	echo "\"$PAGETOP\" --check-symbols --vmlinux \"$lab/vmlinux.xz\" --modules \"$lab/modules\" > \"$T/live-ok.out\" 2>&1"
	echo "echo \$? > \"$T/live-ok.rc\""
	echo "\"$PAGETOP\" --check-symbols --vmlinux \"$lab/vmlinux.xz\" --modules \"$T/other\" --modules \"$lab/modules\" > \"$T/live-other.out\" 2>&1"
	echo "echo \$? > \"$T/live-other.rc\""
} > "$T/live.sh"
"$RUNVM" -t 280 -m brd,loop -- sh "$T/live.sh" > "$T/vm.out" 2>&1
if [[ $(cat "$T/live-ok.rc" 2>/dev/null) == 0 ]] &&
   grep -q '^vmlinux  *ok ' "$T/live-ok.out" && grep -q '^brd  *ok ' "$T/live-ok.out"; then
	pass "live: vmlinux and brd match the running kernel's build ids (sysfs), exit 0"
else
	fail "live --check-symbols with the right files:"
	cat "$T/live-ok.out" "$T/vm.out" 2>/dev/null | sed 's/^/  /' | head -30
fi
# a brd.ko of another build is passed over for the right one further on the path
if [[ $(cat "$T/live-other.rc" 2>/dev/null) == 0 ]] &&
   grep -q "^brd  *ok .*$lab/modules/brd.ko" "$T/live-other.out"; then
	pass "live: a brd.ko of another build is passed over for the matching one"
else
	fail "live --check-symbols with another brd.ko first:"
	sed 's/^/  /' "$T/live-other.out" 2>/dev/null | head -30
fi

echo "symbols-live: $failures failures"
[[ $failures -eq 0 ]]
