#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# settings-file.sh - the real binary in tmux, run as by sudo (root with SUDO_UID=65534),
# with a pagetoprc that is no settings file of that user's: a link to a file only root
# can read, a folder link to one, a link to /dev/zero, a sparse 1 GiB file, a FIFO. Each
# is refused at the start with a message on the status line that names the file; nothing
# of the root-only file shows on the screen or standard error; q still ends pagetop. And
# w writes the snapshot as that user. A file's column order is the list's; F2 moves a
# column and W saves the order.
#
# pagetop runs under a 2 GiB address-space limit (not with ASan, which reserves more), so
# that reading /dev/zero as one line fails here instead of filling the machine's memory.
#
# Needs root (files of root's and of another user) and tmux (tests/lib.sh).
set -u
: "${PAGETOP:=./src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require_root "files of root's and of another user"
require tmux
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac

demo=$top_srcdir/tests/data/demo
case $demo in /*) ;; *) demo=$(pwd)/$demo ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-rc.XXXXXX")
chmod 755 "$tmp"
fails=0
nsess=0
sock=pagetop-rc-$$-0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$tmp"' EXIT INT TERM

memlimit=
ldd "$PAGETOP" 2>/dev/null | grep -q libasan || memlimit="ulimit -v 2097152;"

# the root-only file whose first line must never be shown
printf 'set sort = SECRETVALUE\n' >"$tmp/secret"
chmod 600 "$tmp/secret"
mkdir -m 755 "$tmp/rootdir"
cp -p "$tmp/secret" "$tmp/rootdir/pagetoprc"

# xdg NAME: a settings folder of user 65534's, $tmp/NAME, with its pagetop folder
xdg() {
	mkdir -p "$tmp/$1/pagetop"
	chown -R 65534:65534 "$tmp/$1"
}

# start NAME: pagetop on the demo, its settings from $tmp/NAME
start() {
	new_server
	rm -f "$tmp/rc" "$tmp/err"
	tmux -L "$sock" -u new-session -d -s t -x 220 -y 30 \
		"$memlimit env TERM=xterm-256color LC_ALL=C.UTF-8 SUDO_UID=65534 SUDO_GID=65534 \
		 XDG_CONFIG_HOME=$tmp/$1 HOME=$tmp $PAGETOP $demo 2>$tmp/err; \
		 echo EXIT=\$? > $tmp/rc; sleep 30"
}

# quit NAME: q ends pagetop with status 0, and standard error shows nothing of the secret
quit() {
	keys q
	n=0
	while [ ! -s "$tmp/rc" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	grep -qx EXIT=0 "$tmp/rc" 2>/dev/null ||
		fail "$1: q: exit status $(cat "$tmp/rc" 2>/dev/null), wanted 0"
	grep -q SECRETVALUE "$tmp/err" 2>/dev/null &&
		fail "$1: standard error shows the root-only file: $(cat "$tmp/err")"
}

# refused NAME MESSAGE: the screen comes up within 10 s, showing nothing of the secret,
# its status line says MESSAGE, and q ends pagetop
refused() {
	expect "sample 90/90" 10
	grep -q SECRETVALUE "$tmp/screen" && fail "$1: the screen shows the root-only file"
	expect "$2" 5
	quit "$1"
}

echo "settings-file.sh: a link to a file only root can read"
xdg link
ln -s "$tmp/secret" "$tmp/link/pagetop/pagetoprc"
start link
refused link "$tmp/link/pagetop/pagetoprc is a symbolic link: pagetop does not read its settings through symbolic links"
# w, meanwhile: the snapshot is the user's
start link
expect "sample 90/90"
keys w C-u "$tmp/link/snap.show_stacks" Enter
expect "wrote "
[ "$(stat -c %u:%g "$tmp/link/snap.show_stacks" 2>/dev/null)" = 65534:65534 ] ||
	fail "w under sudo: the snapshot belongs to $(stat -c %u:%g "$tmp/link/snap.show_stacks" 2>&1)"
quit link

echo "settings-file.sh: a folder link to a file only root can read"
xdg dirlink
rmdir "$tmp/dirlink/pagetop"
ln -s "$tmp/rootdir" "$tmp/dirlink/pagetop"
start dirlink
refused dirlink "cannot read $tmp/dirlink/pagetop/pagetoprc as user 65534 (who ran sudo): Permission denied"

echo "settings-file.sh: /dev/zero behind a link"
xdg zero
ln -s /dev/zero "$tmp/zero/pagetop/pagetoprc"
start zero
refused zero "$tmp/zero/pagetop/pagetoprc is a symbolic link"

echo "settings-file.sh: a sparse 1 GiB file"
xdg huge
truncate -s 1G "$tmp/huge/pagetop/pagetoprc"
chown 65534:65534 "$tmp/huge/pagetop/pagetoprc"
start huge
refused huge "$tmp/huge/pagetop/pagetoprc is larger than 64 KiB, too large for a settings file: not read"

echo "settings-file.sh: a FIFO"
xdg fifo
mkfifo "$tmp/fifo/pagetop/pagetoprc"
chown 65534:65534 "$tmp/fifo/pagetop/pagetoprc"
start fifo
refused fifo "$tmp/fifo/pagetop/pagetoprc is not a regular file (a FIFO)"

echo "settings-file.sh: the columns in the file's order, moved in F2 and saved"
xdg cols
# the label anywhere (as the set of columns it was) still ends the line
printf 'set columns = label,score,pages,delta\n' >"$tmp/cols/pagetop/pagetoprc"
chown -R 65534:65534 "$tmp/cols"
start cols
expect "sample 90/90" 10
settle
grep -q 'SCORE.*PAGES.*Δ.*CALLER' "$tmp/screen" || fail "cols: the titles are not in the file's order"
keys F2
expect "move a column"
keys Down Down Down Down Down Down ']' W
expect "settings saved to"
grep -qx 'set columns = pages,score,delta,label' "$tmp/cols/pagetop/pagetoprc" ||
	fail "cols: saved $(grep columns "$tmp/cols/pagetop/pagetoprc")"
keys Escape
n=0
while capture && ! grep -q 'PAGES.*SCORE.*Δ.*CALLER' "$tmp/screen" && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
grep -q 'PAGES.*SCORE.*Δ.*CALLER' "$tmp/screen" || fail "cols: the titles did not follow F2"
quit cols

if [ $fails -gt 0 ]; then
	echo "settings-file.sh: $fails failures"
	exit 1
fi
echo "settings-file.sh: ok"
exit 0
