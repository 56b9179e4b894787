#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind.sh - LOG_COMPILER for `make check-valgrind`: runs one test program under
# valgrind; any memory error or definite/indirect leak fails the test.
#
# Check runs the tests in this process (CK_FORK=no) so valgrind sees them; its suppressions
# file, when present, is tests/unit/valgrind.supp. A test program's own status for a
# missing precondition (77, 99: tests/README.md) comes through.
set -u
here=$(dirname "$0")
. "$here/../lib.sh"
require valgrind
supp=""
[ -f "$here/valgrind.supp" ] && supp="--suppressions=$here/valgrind.supp"
CK_FORK=no
export CK_FORK
vg() {
	# shellcheck disable=SC2086
	valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --error-exitcode=1 --track-fds=no \
		--num-callers=30 $supp "$@"
}
case "$1" in
*check_live)
	# Its cases install signal handlers, arm count_threshold and start worker threads
	# that stay process-wide: without fork, one process per case keeps them apart. The
	# "signals" case kills children with SIGSEGV, SIGABRT...: valgrind takes those
	# signals itself. The "privsep" case forks a root helper and unprivileged stand-ins
	# that end with _exit(): valgrind reports the parent's blocks still in their images
	# as lost and turns their exit codes into its own. make check and the sanitizer
	# build run both.
	for c in layouts incremental preconditions threshold "read faults" host; do
		echo "== case $c"
		CK_RUN_CASE=$c vg "$@" || exit
	done
	exit 0
	;;
*check_tui)
	[ -n "${CK_RUN_CASE:-}" ] && { vg "$@"; exit; }
	# Its cases at once, each in a valgrind of its own (the longest program under
	# valgrind: one case at a time would be most of make check-valgrind's wall time); the
	# outputs one after the other, the first failure's status. check_tui_agree runs the
	# agree case.
	cases="screen views speed"
	dir=$(mktemp -d) || exit 99
	for c in $cases; do
		(CK_RUN_CASE=$c vg "$@" >"$dir/$c" 2>&1; echo $? >"$dir/$c.status") &
	done
	wait
	status=0
	for c in $cases; do
		echo "== case $c"
		cat "$dir/$c"
		s=$(cat "$dir/$c.status")
		# a case renamed in check_tui.c would run nothing here and pass
		grep -q "Checks: [1-9]" "$dir/$c" || { echo "valgrind.sh: case $c ran no test"; s=1; }
		[ "$status" -eq 0 ] && status=$s
	done
	rm -rf "$dir"
	exit "$status"
	;;
esac
# shellcheck disable=SC2086
exec valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --error-exitcode=1 --track-fds=no \
	--num-callers=30 $supp "$@"
