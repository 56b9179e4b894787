#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# live-allocinfo.sh - the live source of /proc/allocinfo on a fake /proc (PAGETOP_PROC)
# and a fake debugfs: page_owner stays the default where both are, allocinfo is read where
# page_owner is not or with --allocinfo; --allocinfo where there is none, profiling off,
# --kernel-threshold; recordings; --drop-privileges (as root).
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ
. "$top_srcdir/tests/lib.sh"
command -v xz >/dev/null || missing "xz" "apt-get install -y xz-utils"

data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-allocinfo.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

mkdir -p "$tmp/debug/page_owner_stacks" "$tmp/proc/sys/vm"
xz -dc "$data/small/0000.show_stacks.xz" >"$tmp/debug/page_owner_stacks/show_stacks"
printf '0\n' >"$tmp/debug/page_owner_stacks/count_threshold"
cp "$data/allocinfo-file/6.12.allocinfo" "$tmp/proc/allocinfo"
printf '1\n' >"$tmp/proc/sys/vm/mem_profiling"
run() { # run DEBUGFS [ARG...]: one live sample as JSON
	d=$1
	shift
	PAGETOP_DEBUGFS_MOUNTED=1 PAGETOP_PROC=$tmp/proc \
		"$PAGETOP" -b -n 1 --limit 1 --format json --debugfs "$d" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

run "$tmp/debug"
[ $rc = 0 ] && grep -q '"interface":"show_stacks"' "$tmp/out" ||
	fail "both there: not show_stacks: $rc $(cat "$tmp/err")"
run "$tmp/debug" --allocinfo
[ $rc = 0 ] && grep -q '"interface":"allocinfo","kernel_release"' "$tmp/out" &&
	grep -q '"unit":"bytes"' "$tmp/out" && grep -q '"total":{"bytes":133523792,"calls":52347' "$tmp/out" ||
	fail "--allocinfo: $rc $(cat "$tmp/err") $(head -c 400 "$tmp/out")"
[ -s "$tmp/err" ] && fail "--allocinfo: said $(cat "$tmp/err")"
# page_owner not built in or not enabled (debugfs without its files): allocinfo
mkdir "$tmp/emptydebug"
PAGETOP_DEBUGFS_MOUNTED=1 PAGETOP_PROC=$tmp/proc "$PAGETOP" -b -n 1 --limit 1 --debugfs "$tmp/emptydebug" \
	>"$tmp/out" 2>"$tmp/err" || fail "no page_owner: status $?: $(cat "$tmp/err")"
head -1 "$tmp/out" | grep -q '^pagetop .* - live live (allocinfo), sample 1' || fail "no page_owner: $(head -2 "$tmp/out")"
# debugfs not mounted: page_owner may be there, said as ever (--allocinfo reads allocinfo)
PAGETOP_PROC=$tmp/proc "$PAGETOP" -b -n 1 --debugfs "$tmp/nodebugfs" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "^pagetop: debugfs is not mounted at $tmp/nodebugfs" "$tmp/err" || fail "not mounted: $rc $(cat "$tmp/err")"
PAGETOP_PROC=$tmp/proc "$PAGETOP" -b -n 1 --allocinfo --debugfs "$tmp/nodebugfs" >/dev/null 2>"$tmp/err" ||
	fail "not mounted, --allocinfo: status $?: $(cat "$tmp/err")"
# none: the page_owner message without --allocinfo, allocinfo's with it
PAGETOP_PROC=$tmp/noproc "$PAGETOP" -b -n 1 --debugfs "$tmp/nodebugfs" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "^pagetop: debugfs is not mounted at $tmp/nodebugfs" "$tmp/err" || fail "none: $rc $(cat "$tmp/err")"
PAGETOP_PROC=$tmp/noproc "$PAGETOP" -b -n 1 --allocinfo >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "^pagetop: $tmp/noproc/allocinfo is not there: this kernel has no memory allocation profiling (CONFIG_MEM_ALLOC_PROFILING, Linux 6.10+)\$" "$tmp/err" ||
	fail "--allocinfo without it: $rc $(cat "$tmp/err")"
# profiling off: said, and read all the same
printf '0\n' >"$tmp/proc/sys/vm/mem_profiling"
run "$tmp/debug" --allocinfo
[ $rc = 0 ] && grep -qx "pagetop: memory allocation profiling is off ($tmp/proc/sys/vm/mem_profiling is 0): turn it on with sysctl vm.mem_profiling=1; allocations made before that are not counted" "$tmp/err" ||
	fail "profiling off: $rc $(cat "$tmp/err")"
printf '1\n' >"$tmp/proc/sys/vm/mem_profiling"
run "$tmp/debug" --allocinfo --kernel-threshold 5
[ $rc = 1 ] && grep -q "kernel-threshold is page_owner's: /proc/allocinfo has no threshold" "$tmp/err" ||
	fail "--kernel-threshold: $rc $(cat "$tmp/err")"
# recordings of allocinfo, live: where page_owner is not, and with --allocinfo; the
# replay shows what the live sample showed
for how in "--debugfs $tmp/emptydebug" "--allocinfo --debugfs $tmp/debug"; do
	rm -f "$tmp/b.ptrec"
	# shellcheck disable=SC2086 # $how is words
	PAGETOP_DEBUGFS_MOUNTED=1 PAGETOP_PROC=$tmp/proc "$PAGETOP" record -n 1 $how \
		-o "$tmp/b.ptrec" >/dev/null 2>"$tmp/err" || fail "record live allocinfo ($how): status $?: $(cat "$tmp/err")"
	head -1 "$tmp/b.ptrec" | grep -qx '#pagetop-recording 3' && grep -qx 'meta unit bytes' "$tmp/b.ptrec" ||
		fail "record live allocinfo ($how): $(head -8 "$tmp/b.ptrec")"
	"$PAGETOP" -b --limit 1 --format json "$tmp/b.ptrec" >"$tmp/out" 2>"$tmp/err" &&
		grep -q '"unit":"bytes"' "$tmp/out" && grep -q '"total":{"bytes":133523792,"calls":52347' "$tmp/out" ||
		fail "replay of live allocinfo ($how): $(cat "$tmp/err") $(head -c 400 "$tmp/out")"
done
if [ "$(id -u)" = 0 ]; then
	chmod 400 "$tmp/proc/allocinfo"
	SUDO_UID=65534 SUDO_GID=65534 run "$tmp/debug" --allocinfo --drop-privileges
	[ $rc = 0 ] && grep -q '"label":"shmem_alloc_folio"' "$tmp/out" ||
		fail "--drop-privileges: $rc $(cat "$tmp/err")"
fi

[ $failed -eq 0 ] || exit 1
echo "live-allocinfo.sh: all checks passed"
