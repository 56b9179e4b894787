#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# includes.sh - no include circle in src/: each layer includes only the layers below it.
#
# The graph comes from the #include "..." lines of src/*.c, *.h and *.def, twice:
# between files, and between modules (foo.c and foo.h are the module foo; an internal
# header foo_int.h or foo_impl.h is foo's too; a .def file is a module of its own). A
# circle is printed with the files or modules in it, and fails the test.
#
# includes.sh [DIR] checks DIR instead of the sources' src/.
set -u
dir=${1:-${top_srcdir:-.}/src}
if ! command -v tsort >/dev/null 2>&1; then
	echo "SKIP: no tsort (coreutils)"
	[ "${PAGETOP_CI:-}" = 1 ] && exit 99
	exit 77
fi
[ -d "$dir" ] || { echo "FAIL: no folder $dir"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-includes.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# "FILE HEADER" for every include of a file that is in dir (config.h is generated)
(
	cd "$dir" || exit 1
	for f in *.c *.h *.def; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r h; do
			[ -f "$h" ] && echo "$f $h"
		done
	done
) >"$tmp/files" || { echo "FAIL: cannot read $dir"; exit 1; }
if ! [ -s "$tmp/files" ]; then
	echo "FAIL: no includes found in $dir"
	exit 1
fi

# the module of a file: its name without .c or .h, and without _int or _impl
sed -E 's/\.(c|h)( |$)/\2/g; s/_(int|impl)( |$)/\2/g' "$tmp/files" |
	awk '$1 != $2' >"$tmp/modules"

failed=0
for graph in files modules; do
	# tsort names the members of each circle it finds on standard error
	if ! tsort "$tmp/$graph" >/dev/null 2>"$tmp/err"; then
		echo "FAIL: include circles between $graph, each through:"
		awk '/contains a loop/ { if (c) print " ", c; c = ""; next }
		     /^tsort: [^ :]+$/ { c = c (c ? ", " : "") $2 }
		     END { if (c) print " ", c }' "$tmp/err"
		grep -q "contains a loop" "$tmp/err" || cat "$tmp/err"
		failed=1
	fi
done
[ $failed = 0 ] && echo "no include circle: $(wc -l <"$tmp/files") includes of $dir"
exit $failed
