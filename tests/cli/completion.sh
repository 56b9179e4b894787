#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.sh - the bash completion (completion/pagetop): options, subcommands, sort
# keys, group modes, formats and files complete; every option that "pagetop --help",
# "pagetop record --help" and "pagetop diff --help" list is offered.
set -u
: "${top_srcdir:?}" "${PAGETOP:?}"
LC_ALL=C.UTF-8
export LC_ALL
. "$top_srcdir/tests/lib.sh"
require bash

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-completion.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/snaps" && : >"$tmp/snaps.txt" && : >"$tmp/other"

# The options each command documents, one line per command.
for c in "" record diff; do
	# shellcheck disable=SC2086
	"$PAGETOP" $c --help | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' '
	echo
done >"$tmp/helpopts" || exit 99

cd "$tmp" || exit 99
bash --norc --noprofile -s "$top_srcdir/completion/pagetop" "$tmp/helpopts" <<'EOF_BASH'
. "$1" || { echo "FAIL: cannot source $1"; exit 1; }
helpopts=$2
failed=0 passed=0

# comp WORDS...: completes the last word as bash would; the result in $got (sorted)
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_pagetop pagetop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	got=${got% }
}

# expect "WANT" WORDS...
expect() {
	local want=$1
	shift
	comp "$@"
	if [[ $got == "$want" ]]; then
		passed=$((passed + 1))
	else
		echo "FAIL: completing [$*]: got [$got], expected [$want]"
		failed=$((failed + 1))
	fi
}

[[ $(complete -p pagetop 2>/dev/null) == *"-F _pagetop"* ]] || { echo "FAIL: not registered"; failed=$((failed + 1)); }

expect "diff" pagetop di
expect "--force --from" pagetop record --f
expect "--ignore-offsets" pagetop diff --ig
expect "--drop-privileges" pagetop --dr
expect "--drop-privileges" pagetop record --dr
expect "--sort=" pagetop --sor
expect "--sort --source-dir --source-map" pagetop --so
expect "score" pagetop --sort sc
expect "score" pagetop --sort = sc
expect "score" pagetop --sort=sc
expect "pages pages:asc" pagetop --sort pa
expect "pages pages_a pages_b" pagetop diff --sort pa
expect "caller" pagetop --group ca
expect "file function" pagetop -b --group f
expect "csv" pagetop --format c
expect "csv" pagetop diff --format c
expect "folded" pagetop diff A B --format f
expect "pprof" pagetop diff A B --format p
expect "pprof" pagetop -b --format pp
expect "json" pagetop -b --format=j
expect "snaps snaps.txt" pagetop -b snap
expect "snaps snaps.txt" pagetop diff snaps.txt snap
expect "snaps" pagetop --debugfs sn
expect "" pagetop --limit ""
# SOURCE@SEL, split at '@' or not
expect "first last peak" pagetop -b snaps @ ""
expect "peak" pagetop snaps @ p
expect "last" pagetop diff snaps.txt snaps @ la
expect "snaps@first" pagetop snaps@f
expect "snaps.txt@first snaps.txt@last snaps.txt@peak" pagetop record --from snaps.txt@
expect "" pagetop nothere @ p
# "pagetop diff" is a subcommand only as the first word
expect "--batch" pagetop diff.txt --bat

# every documented option completes, for each command
n=0
while read -r opts; do
	case $n in 0) cmd=() ;; 1) cmd=(record) ;; 2) cmd=(diff) ;; esac
	for o in $opts; do
		comp pagetop "${cmd[@]}" "$o"
		if [[ " $got " == *" $o "* || " $got " == *" $o= "* ]]; then
			passed=$((passed + 1))
		else
			echo "FAIL: pagetop ${cmd[*]} $o: the completion does not offer it (got [$got])"
			failed=$((failed + 1))
		fi
	done
	n=$((n + 1))
done <"$helpopts"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
EOF_BASH
