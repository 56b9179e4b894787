#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install.sh - "make install DESTDIR=..." installs the program, its manual, its
# documentation, the bash completion and the translations, and "make uninstall" takes
# every file away again. Runs from the build tree ($top_builddir), so it works under
# "make distcheck" too, where the build tree is apart from the sources.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-install.XXXXXX") || exit 99
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
dest=$tmp/dest
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}
ok() {
	passed=$((passed + 1))
}

# A make of our own, not the one running the tests (no jobserver, no overrides).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES ${MAKE_PROG:-make} -s \
		-C "$top_builddir" "$@" >"$tmp/make.log" 2>&1
}

# The configured directories, as make expands them.
cat >"$tmp/vars.mk" <<'EOF_MK'
include Makefile
print-vars:
	@echo "bindir='$(bindir)'"
	@echo "mandir='$(mandir)'"
	@echo "docdir='$(docdir)'"
	@echo "localedir='$(localedir)'"
	@echo "bashcompletiondir='$(bashcompletiondir)'"
	@echo "USE_NLS='$(USE_NLS)'"
EOF_MK
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" -f "$tmp/vars.mk" print-vars \
	>"$tmp/vars" 2>"$tmp/vars.err" || { cat "$tmp/vars.err"; exit 99; }
. "$tmp/vars"
. "$top_srcdir/tests/lib.sh"
require man man-db
[ -z "$bashcompletiondir" ] || require bash

# What must be installed, one path a line.
{
	echo "$bindir/pagetop"
	echo "$mandir/man1/pagetop.1"
	echo "$docdir/README.md"
	echo "$docdir/NEWS"
	[ -n "$bashcompletiondir" ] && echo "$bashcompletiondir/pagetop"
	if [ "$USE_NLS" = yes ]; then
		for lang in $(sed 's/#.*//' "$top_srcdir/po/LINGUAS"); do
			echo "$localedir/$lang/LC_MESSAGES/pagetop.mo"
		done
	fi
} | sort >"$tmp/want"

if mk install DESTDIR="$dest"; then
	ok
else
	fail "make install DESTDIR=... failed:"
	sed 's/^/  /' "$tmp/make.log"
fi
(cd "$dest" && find . ! -type d | sed 's|^\.||' | sort) >"$tmp/got"
if cmp -s "$tmp/want" "$tmp/got"; then
	ok
else
	fail "installed files differ from the expected ones (- expected, + installed):"
	diff -u "$tmp/want" "$tmp/got" | sed -n '3,$s/^/  /p'
fi

# The installed program runs; the completion loads.
if [ -x "$dest$bindir/pagetop" ] && "$dest$bindir/pagetop" --version >/dev/null 2>&1; then
	ok
else
	fail "the installed pagetop does not run"
fi
if [ -n "$bashcompletiondir" ]; then
	if bash --norc --noprofile -c '. "$1" && complete -p pagetop' sh \
		"$dest$bashcompletiondir/pagetop" >/dev/null 2>&1; then
		ok
	else
		fail "the installed completion does not load"
	fi
fi
if MANWIDTH=80 man -l "$dest$mandir/man1/pagetop.1" 2>"$tmp/man.err" | grep -q 'pagetop diff'; then
	ok
else
	fail "the installed manual does not show 'pagetop diff': $(head -3 "$tmp/man.err")"
fi

if mk uninstall DESTDIR="$dest"; then
	ok
else
	fail "make uninstall DESTDIR=... failed:"
	sed 's/^/  /' "$tmp/make.log"
fi
(cd "$dest" && find . ! -type d) >"$tmp/left"
if [ -s "$tmp/left" ]; then
	fail "make uninstall left files behind:"
	sed 's/^/  /' "$tmp/left"
else
	ok
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
