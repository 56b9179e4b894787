#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# i18n.sh - the German translation, end to end: po/de.po compiles cleanly and is
# complete, and pagetop speaks German with LANGUAGE=de (the batch header, FILE:LINE
# errors for bad input, usage errors, the help of pagetop, diff and record), while the
# interface stays as it is (CSV, JSON, the column titles of the text output) and
# without LANGUAGE everything is English.
#
# The catalog goes into a temporary locale tree which PAGETOP_LOCALEDIR points
# bindtextdomain at: no install needed, so this works on the build tree and under
# "make distcheck". glibc ignores LANGUAGE only in the C/POSIX locale; C.UTF-8 is
# not that, so no German locale needs to be generated (de_DE.UTF-8 is used when
# C.UTF-8 is missing; with neither, or built without NLS, a precondition is missing:
# tests/lib.sh).
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PAGETOP:?}"
TZ=UTC
export TZ

. "$top_srcdir/tests/lib.sh"
grep -q '^#define ENABLE_NLS 1' "$top_builddir/config.h" 2>/dev/null ||
	missing "a build with NLS" "configure without --disable-nls"
require msgfmt gettext
require locale libc-bin

# A UTF-8 locale that is not C/POSIX.
avail=$(locale -a 2>/dev/null | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
loc=
for l in ${I18N_LOCALES:-C.UTF-8 de_DE.UTF-8}; do
	want=$(echo "$l" | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
	if echo "$avail" | grep -qx "$want"; then
		loc=$l
		break
	fi
done
[ -n "$loc" ] || missing "the C.UTF-8 or the de_DE.UTF-8 locale" "apt-get install locales-all"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-i18n.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
demo=$top_srcdir/tests/data/demo
po=$top_srcdir/po/de.po
failed=0
passed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}
ok() {
	passed=$((passed + 1))
}

# Every source file with translatable strings is in po/POTFILES.in, and po/de.po has
# every message the sources have now (not only those of the last make update-po).
for f in "$top_srcdir"/src/*.c "$top_srcdir"/src/*.def; do
	rel=src/${f##*/}
	grep -Eq '(^|[^A-Za-z0-9_])(N?C?_|ngettext)\(' "$f" || continue
	grep -qx "$rel" "$top_srcdir/po/POTFILES.in" || fail "$rel has messages but is not in po/POTFILES.in"
done
require xgettext gettext
require msgmerge gettext
(cd "$top_srcdir" && grep -v '^#' po/POTFILES.in | xargs xgettext -o "$tmp/now.pot" \
	--keyword=_ --keyword=N_ --keyword=NC_:1c,2 --keyword=ngettext:1,2 --from-code=UTF-8 \
	2>"$tmp/xgettext.err") || fail "xgettext: $(cat "$tmp/xgettext.err")"
if LC_ALL=C msgmerge -q -o "$tmp/merged.po" "$po" "$tmp/now.pot" 2>/dev/null &&
	LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/merged.po" 2>"$tmp/mstats" &&
	! grep -Eq 'fuzzy|untranslated' "$tmp/mstats"; then
	ok
else
	fail "po/de.po lacks messages of the sources (make update-po, then translate): $(cat "$tmp/mstats")"
fi

# po/de.po: no errors, nothing fuzzy, nothing untranslated.
if LC_ALL=C msgfmt -c --statistics -o "$tmp/de.mo" "$po" 2>"$tmp/stats"; then
	if grep -Eq 'fuzzy|untranslated' "$tmp/stats"; then
		fail "po/de.po is incomplete: $(cat "$tmp/stats")"
	else
		ok
	fi
else
	fail "msgfmt -c po/de.po:"
	sed 's/^/  /' "$tmp/stats"
fi

# The catalog make built (po/de.gmo, in the source tree for a VPATH build), unless
# de.po is newer; else the one compiled above.
mo=
for g in "$top_builddir/po/de.gmo" "$top_srcdir/po/de.gmo"; do
	if [ -f "$g" ] && ! [ "$po" -nt "$g" ]; then
		mo=$g
		break
	fi
done
[ -z "$mo" ] && [ -s "$tmp/de.mo" ] && mo=$tmp/de.mo
if [ -z "$mo" ]; then
	echo "ERROR: no po/de.gmo, and msgfmt could not compile po/de.po"
	exit 99
fi
mkdir -p "$tmp/locale/de/LC_MESSAGES" && cp "$mo" "$tmp/locale/de/LC_MESSAGES/pagetop.mo" || exit 99
PAGETOP_LOCALEDIR=$tmp/locale
export PAGETOP_LOCALEDIR

# de ARGS... / en ARGS...: pagetop in German / English; $tmp/out, $tmp/err, $rc.
de() {
	LC_ALL=$loc LANGUAGE=de "$PAGETOP" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
en() {
	LC_ALL=$loc LANGUAGE=en "$PAGETOP" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# has FILE PATTERN WHAT: FILE has a line matching grep -E PATTERN.
has() {
	if grep -Eq -- "$2" "$1"; then
		ok
	else
		fail "$3: no line matches /$2/:"
		sed 's/^/  | /' "$1" | head -20
	fi
}

# status WANT WHAT: the last run exited with WANT.
status() {
	if [ "$rc" -eq "$1" ]; then
		ok
	else
		fail "$2: exit status $rc, expected $1"
		sed 's/^/  stderr: /' "$tmp/err" | head -10
	fi
}

# --help first: if it is not German, nothing else will be.
de --help
status 0 "pagetop --help"
if ! grep -q '^Aufruf: pagetop ' "$tmp/out"; then
	fail "pagetop --help is not German with LC_ALL=$loc LANGUAGE=de (does src/main.c bind the text domain to PAGETOP_LOCALEDIR?):"
	head -3 "$tmp/out" | sed 's/^/  | /'
	echo "$passed passed, $failed failed"
	exit 1
fi
has "$tmp/out" '^  oder: pagetop diff \[OPTION\]\.\.\. A B$' "pagetop --help"
has "$tmp/out" '^QUELLE ist eine Snapshot-Datei' "pagetop --help"
has "$tmp/out" '^      --sort=FELD\[:asc\]     pages, bytes, share, delta' "pagetop --help"
has "$tmp/out" '^Exit-Status: 0 Erfolg, 1 Fehler, 2 falscher Aufruf\.$' "pagetop --help"
has "$tmp/out" '^Vollständige Dokumentation: man pagetop$' "pagetop --help"
de diff --help
status 0 "pagetop diff --help"
has "$tmp/out" '^Aufruf: pagetop diff \[OPTION\]\.\.\. A B$' "pagetop diff --help"
has "$tmp/out" '^Zeigt die Stacks, deren Seitenzahl' "pagetop diff --help"
de record --help
status 0 "pagetop record --help"
has "$tmp/out" '^Aufruf: pagetop record \[OPTIONEN\] -o DATEI\|-$' "pagetop record --help"

# The batch header is German; the table and the machine formats are not translated.
de -b --limit 3 -n 2 "$demo"
status 0 "pagetop -b (de)"
cp "$tmp/out" "$tmp/de.txt"
has "$tmp/de.txt" '^pagetop [0-9.]+ - folder .*demo \(show_stacks\), Messung 1 von 90, ' "batch header"
has "$tmp/de.txt" '^Gesamt [0-9.,]+ Seiten \([0-9.,]+ [KMG]iB\), Änderung [-+]?[0-9.,]+, [-+][0-9.,]+/s, seit der Basis [-+]?[0-9.,]+; Zeilen [0-9]+ angezeigt / [0-9]+$' "batch header"
has "$tmp/de.txt" '^Sortierung pages absteigend, Gruppe stack, Schwelle 0$' "batch header"
has "$tmp/de.txt" '^ +PAGES +SIZE +SHARE +DELTA +RATE +DELTA_BASE +PEAK +SCORE +FIRST_SEEN +LABEL$' "batch column titles"
en -b --limit 3 -n 2 "$demo"
status 0 "pagetop -b (en)"
cp "$tmp/out" "$tmp/en.txt"
has "$tmp/en.txt" '^Total [0-9.,]+ pages ' "batch header with LANGUAGE=en"
has "$tmp/en.txt" '^Sort pages descending, group stack, threshold 0$' "batch header with LANGUAGE=en"
# the same lines, and the same rows: only the header's prose differs
grep -Ev '^(pagetop|Gesamt|Sortierung) ' "$tmp/de.txt" >"$tmp/de.rows"
grep -Ev '^(pagetop|Total|Sort) ' "$tmp/en.txt" >"$tmp/en.rows"
if [ "$(wc -l <"$tmp/de.txt")" -eq "$(wc -l <"$tmp/en.txt")" ] && cmp -s "$tmp/de.rows" "$tmp/en.rows"; then
	ok
else
	fail "the German batch output differs from the English one beyond the header:"
	diff "$tmp/en.txt" "$tmp/de.txt" | sed 's/^/  /' | head -20
fi
for f in csv json folded; do
	de -b --format "$f" --limit 5 -n 3 "$demo"
	cp "$tmp/out" "$tmp/de.$f"
	en -b --format "$f" --limit 5 -n 3 "$demo"
	if [ "$rc" -eq 0 ] && [ -s "$tmp/out" ] && cmp -s "$tmp/out" "$tmp/de.$f"; then
		ok
	else
		fail "--format $f is not the same in German and English"
	fi
done

# diff: the header is German.
de diff "$demo@0" "$demo"
status 0 "pagetop diff (de)"
has "$tmp/out" '^A: folder .*demo@0 \(show_stacks\), Messung 0 von 90, ' "diff header"
has "$tmp/out" '^Gesamt A [0-9.,]+ Seiten \(.*\), B [0-9.,]+ Seiten \(.*\), Änderung [-+]?[0-9.,]+ Seiten ' "diff header"
has "$tmp/out" '^Geänderte Stacks [0-9]+: [0-9]+ gewachsen \([0-9]+ neu\), [0-9]+ geschrumpft \([0-9]+ verschwunden\); Zeilen [0-9]+ angezeigt$' "diff header"

# Bad input: FILE:LINE: erwartet ..., gefunden ...; exit status 1.
printf 'hello\n' >"$tmp/bad"
de -b "$tmp/bad"
status 1 "pagetop -b on a bad file"
has "$tmp/err" "^pagetop: $tmp/bad:1: erwartet einen Stack-Frame \\(\" name\\+0xOFF/0xSIZE\"\\), gefunden \"hello\"\$" "bad file"
printf ' a+0x1/0x2\nnr_base_pages: x\n' >"$tmp/bad2"
de -b "$tmp/bad2"
status 1 "pagetop -b on a bad count"
has "$tmp/err" "^pagetop: $tmp/bad2:2: erwartet eine Seitenzahl von 0 bis 2\\^48, gefunden \"nr_base_pages: x\"\$" "bad count"
: >"$tmp/empty"
de -b "$tmp/empty"
status 1 "pagetop -b on an empty file"
has "$tmp/err" "^pagetop: $tmp/empty: erwartet page_owner-Einträge, gefunden eine leere Datei\$" "empty file"
de -b "$tmp/missing"
status 1 "pagetop -b on a missing file"
has "$tmp/err" "^pagetop: $tmp/missing: kann nicht geöffnet werden: " "missing file"

# Usage errors: exit status 2, German message and hint.
de -b --sort nope "$demo"
status 2 "pagetop --sort nope"
has "$tmp/err" "^pagetop: --sort: erwartet pages, bytes, share, delta, rate, delta_base, peak, score, first_seen oder label, gefunden 'nope'\$" "--sort nope"
has "$tmp/err" "^'pagetop --help' liefert weitere Informationen\\.\$" "--sort nope"
de diff "$demo"
status 2 "pagetop diff with one snapshot"
has "$tmp/err" "erwartet zwei Snapshots, A und B" "pagetop diff with one snapshot"

# Without LANGUAGE (in C.UTF-8), or with a language pagetop has no catalog for: English.
if [ "$loc" = C.UTF-8 ]; then
	LC_ALL=$loc LANGUAGE= "$PAGETOP" --help >"$tmp/out" 2>&1
	has "$tmp/out" '^Usage: pagetop ' "pagetop --help without LANGUAGE"
fi
LC_ALL=$loc LANGUAGE=fr "$PAGETOP" -b "$tmp/bad" >"$tmp/out" 2>"$tmp/err"
has "$tmp/err" '^pagetop: .*:1: expected a stack frame ' "bad file with LANGUAGE=fr"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
