#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# libs.sh - pagetop does not link libcurl, directly or through another library (libdw can
# pull it in through libdebuginfod on some distributions): a page_owner viewer run as root
# has no business with a network client.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
. "$top_srcdir/tests/lib.sh"
require readelf binutils
require ldd libc-bin
failed=0

needed=$(LC_ALL=C readelf -d "$PAGETOP" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if [ -z "$needed" ]; then
	echo "FAIL: readelf -d $PAGETOP shows no NEEDED entries (not a dynamic executable?)"
	exit 1
fi
echo "NEEDED: $(echo $needed)"
for lib in $needed; do
	case $lib in
	libcurl*|libdebuginfod*)
		echo "FAIL: $PAGETOP links $lib directly"
		failed=1
		;;
	esac
done

# transitively: every library the loader maps
all=$(ldd "$PAGETOP") || { echo "FAIL: ldd $PAGETOP failed"; exit 1; }
if echo "$all" | grep -q 'not found'; then
	echo "FAIL: unresolved libraries:"
	echo "$all" | grep 'not found'
	failed=1
fi
if echo "$all" | grep -Eq 'libcurl|libdebuginfod'; then
	echo "FAIL: $PAGETOP pulls in libcurl through its libraries:"
	echo "$all" | grep -E 'libcurl|libdebuginfod'
	failed=1
fi
[ $failed -eq 0 ] && echo "no libcurl, directly or transitively"
exit $failed
