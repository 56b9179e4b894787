#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# get-page-owner-sort.sh - builds the kernel's own page_owner_sort, the baseline for the
# per-block dump benchmark, into bench/out/ (never committed: it is kernel source).
#
# Takes tools/vm/page_owner_sort.c (tools/mm/ in kernels 6.3 and later) out of the
# kernel source tarball of Debian's linux-source-X.Y package and compiles it with cc -O2.
# Install the tarball first, as root:
#     apt-get install -y --no-install-recommends linux-source-6.1     (Debian 12)
# or point LINUX_SOURCE_TARBALL at any /usr/src/linux-source-*.tar.xz.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/out}
mkdir -p "$out"

if [ -x "$out/page_owner_sort" ] && [ "${1:-}" != "-f" ]; then
	echo "$out/page_owner_sort already built (-f to rebuild)"
	exit 0
fi

tarball=${LINUX_SOURCE_TARBALL:-}
if [ -z "$tarball" ]; then
	for t in /usr/src/linux-source-6.1.tar.xz /usr/src/linux-source-*.tar.xz; do
		if [ -f "$t" ]; then tarball=$t; break; fi
	done
fi
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
	echo "get-page-owner-sort: no kernel source tarball in /usr/src." >&2
	echo "  install one: apt-get install -y --no-install-recommends linux-source-6.1" >&2
	echo "  (or set LINUX_SOURCE_TARBALL=/path/to/linux-source-X.Y.tar.xz)" >&2
	exit 1
fi

tmp=$(mktemp -d "$out/kernel-src.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "extracting page_owner_sort.c from $tarball ..."
# Only one of the two paths exists in a given kernel: tar reports the other as missing.
tar -xJf "$tarball" -C "$tmp" --wildcards \
	'*/tools/vm/page_owner_sort.c' '*/tools/mm/page_owner_sort.c' 2>/dev/null || true
src=$(find "$tmp" -name page_owner_sort.c | head -n 1)
if [ -z "$src" ]; then
	echo "get-page-owner-sort: page_owner_sort.c not found in $tarball" >&2
	exit 1
fi
cp "$src" "$out/page_owner_sort.c"
${CC:-cc} -O2 -o "$out/page_owner_sort" "$out/page_owner_sort.c"
echo "built $out/page_owner_sort (from ${src#"$tmp"/})"
