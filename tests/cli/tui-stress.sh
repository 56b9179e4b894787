#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tui-stress.sh - the real binary's UI in tmux under things a terminal does to it:
#  1. 500 resizes in a row (1x1, 2x1, 1x2, 40x10, 200x60 and random sizes) while live
#     samples keep coming (a fake debugfs tree that a loop rewrites every 50 ms): no
#     crash, no sanitizer report, and at 100x30 the screen is whole again, samples go on,
#     q leaves a sane terminal with exit status 0;
#  2. job control: Ctrl-Z and kill -TSTP give the shell a sane terminal (echo and
#     canonical mode on, the alternate screen, mouse reporting and keypad mode left), fg
#     draws everything again at the size the terminal has now and keys work; kill -CONT
#     into the background draws nothing;
#     kill -STOP/-CONT redraws over whatever was written to the terminal meanwhile;
#  3. SIGINT, SIGTERM, SIGHUP and SIGQUIT while the UI records (R): exit status 0, a sane
#     terminal, and a recording that pagetop -b reads to its last sample; the same signals
#     end "pagetop record" with a readable recording;
#  4. a closed pipe (pagetop -b ... | head -1): quiet, exit status 0, live or not;
#  5. pagetop record never writes over a file or through a symbolic link.
#
# Needs tmux and xz (tests/lib.sh). Every wait polls with a deadline.
set -u
: "${PAGETOP:=./src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require tmux
require xz xz-utils
case $PAGETOP in /*) ;; *) PAGETOP=$(pwd)/$PAGETOP ;; esac

demo=$top_srcdir/tests/data/demo
case $demo in /*) ;; *) demo=$(pwd)/$demo ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-stress.XXXXXX")
fails=0
nsess=0
sock=pagetop-stress-$$-0
feeder=
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; [ -n "$feeder" ] && kill "$feeder" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

# wait_file FILE [SECONDS]: until FILE is there and not empty
wait_file() {
	n=0
	while [ ! -s "$1" ] && [ $n -lt $(( ${2:-20} * 10 )) ]; do sleep 0.1; n=$((n + 1)); done
	[ -s "$1" ]
}

alt_screen() {
	tmux -L "$sock" display -p -t t '#{alternate_on}'
}

# the mouse reporting and keypad modes the terminal is in: "1 1" for pagetop's
modes() {
	tmux -L "$sock" display -p -t t '#{mouse_any_flag} #{keypad_cursor_flag}'
}

pane_tty() {
	tmux -L "$sock" display -p -t t '#{pane_tty}'
}

# sane FILE WHAT: stty -a output in FILE has canonical mode and echo on
sane() {
	grep -q -- ' icanon' "$1" && grep -q -- ' echo ' "$1" ||
		fail "$2: the terminal was left in raw mode: $(cat "$1" 2>/dev/null)"
}

# start CMD...: pagetop in a fresh session, as the pane's only process (no job control);
# afterwards the pane says how it ended and whether the terminal is sane again
start() {
	new_server
	rm -f "$tmp/rc" "$tmp/stty" "$tmp/pid" "$tmp/err"
	tmux -L "$sock" -u new-session -d -s t -x 100 -y 30 \
		"env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$tmp HOME=$tmp \
		 sh -c 'echo \$\$ > $tmp/pid; exec \"\$@\" 2>$tmp/err' sh $*; echo EXIT=\$? > $tmp/rc; \
		 stty -a > $tmp/stty; echo DONE; sleep 60"
	wait_file "$tmp/pid" || fail "pagetop did not start"
}

# ended STATUS WHAT: pagetop is gone with that exit status, the terminal is sane, and
# nothing came on standard error (a sanitizer's report would)
ended() {
	wait_file "$tmp/stty" || true
	capture
	grep -qx "EXIT=$1" "$tmp/rc" 2>/dev/null || fail "$2: exit status $(cat "$tmp/rc" 2>/dev/null), wanted $1"
	sane "$tmp/stty" "$2"
	grep -q 'PAGES' "$tmp/screen" && fail "$2: the UI is still on the screen after it left"
	grep -q 'DONE' "$tmp/screen" || fail "$2: the shell did not get the terminal back"
	if [ -s "$tmp/err" ]; then
		echo "--- standard error:"
		cat "$tmp/err"
		fail "$2: pagetop wrote to standard error"
	fi
}

# ---- a live source that changes: a fake debugfs tree rewritten every 50 ms ----
mkdir -p "$tmp/snaps" "$tmp/debug/page_owner_stacks"
i=0
for f in "$demo"/*.show_stacks.xz; do
	xz -dc "$f" >"$tmp/snaps/$i" || { echo "tui-stress.sh: cannot decompress $f"; exit 1; }
	i=$((i + 1))
done
nsnaps=$i
cp "$tmp/snaps/0" "$tmp/debug/page_owner_stacks/show_stacks"
echo 0 >"$tmp/debug/page_owner_stacks/count_threshold"
touch "$tmp/feeding"
(
	k=0
	while [ -e "$tmp/feeding" ]; do
		cp "$tmp/snaps/$k" "$tmp/debug/page_owner_stacks/.next"
		mv -f "$tmp/debug/page_owner_stacks/.next" "$tmp/debug/page_owner_stacks/show_stacks"
		k=$(( (k + 1) % nsnaps ))
		sleep 0.05
	done
) &
feeder=$!
live="--debugfs $tmp/debug -d 0.1"

# sample_no: the sample number in the header ("sample 123")
sample_no() {
	capture
	sed -n '1s/.*sample \([0-9][0-9]*\).*/\1/p' "$tmp/screen"
}

# ---- 1. 500 resizes while samples come ----
echo "tui-stress.sh: 500 resizes while live samples come"
start "$PAGETOP" $live
expect "live"
expect "sample 3"
# the sizes: fixed hostile ones between random ones (a fixed seed: every run the same)
awk 'BEGIN {
	srand(20261126);
	split("1x1 2x1 1x2 40x10 200x60 1x60 200x1 39x9 40x9 39x10", fixed, " ");
	for (i = 0; i < 500; i++) {
		if (i % 5 == 0) { print fixed[(i / 5) % 10 + 1]; continue; }
		printf "%dx%d\n", 1 + int(rand() * 220), 1 + int(rand() * 70);
	}
}' >"$tmp/sizes"
[ "$(wc -l <"$tmp/sizes")" -eq 500 ] || fail "the size list has $(wc -l <"$tmp/sizes") lines"
t0=$(date +%s)
n=0
while IFS=x read -r w h; do
	tmux -L "$sock" resize-window -t t -x "$w" -y "$h" 2>>"$tmp/tmux-err" ||
		fail "tmux could not resize to ${w}x$h: $(cat "$tmp/tmux-err")"
	n=$((n + 1))
	# keys now and then: the other views at odd sizes too (? help, Enter expands)
	case $((n % 50)) in
	10) keys j ;; 20) keys Enter ;; 30) keys '?' ;; 40) keys x ;;
	esac
done <"$tmp/sizes"
t1=$(date +%s)
echo "tui-stress.sh: $n resizes in $((t1 - t0)) s"
kill -0 "$(cat "$tmp/pid")" 2>/dev/null || fail "pagetop died during the resizes"
tmux -L "$sock" resize-window -t t -x 100 -y 30
keys Escape
# the screen is whole again: the header, the titles, the status line and the F-key bar
expect "pagetop " 
expect "PAGES"
expect "Sort PAGES"
n=0
until capture; sed -n 29p "$tmp/screen" | grep -q '? help' && sed -n 30p "$tmp/screen" | grep -q '^F1Help' &&
	sed -n 1p "$tmp/screen" | grep -q 'live'; do
	n=$((n + 1))
	[ $n -gt 200 ] && { fail "the screen did not recover at 100x30"; break; }
	sleep 0.1
done
[ "$(tmux -L "$sock" display -p -t t '#{window_width}x#{window_height}')" = 100x30 ] ||
	fail "tmux is not at 100x30"
# samples go on
s1=$(sample_no)
n=0
while s2=$(sample_no); [ "${s2:-0}" -le "${s1:-0}" ]; do
	n=$((n + 1))
	[ $n -gt 200 ] && { fail "no new samples after the resizes (sample $s1)"; break; }
	sleep 0.1
done
kill -0 "$(cat "$tmp/pid")" 2>/dev/null || fail "pagetop is not running after the resizes"
keys q
ended 0 "resizes"

# ---- 2. job control ----
# An interactive sh in the pane: job control, and (dash) no line editing that would set
# the terminal's modes itself, so what the shell shows is what pagetop left.
echo "tui-stress.sh: Ctrl-Z, fg, kill -TSTP, kill -CONT"
new_server
rm -f "$tmp/pid" "$tmp/err"
tmux -L "$sock" -u new-session -d -s t -x 100 -y 30 \
	"env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$tmp HOME=$tmp PS1='ptprompt\$ ' sh -i"
expect 'ptprompt$'
keys "sh -c 'echo \$\$ > $tmp/pid; exec \"\$@\" 2>$tmp/err' sh $PAGETOP $demo" Enter
expect "sample 90/90"
[ "$(alt_screen)" = 1 ] || fail "the UI is not on the alternate screen"
pid=$(cat "$tmp/pid")

# suspended: prompt, terminal as the shell had it, typed text echoed
suspended() {
	expect "Stopped"
	n=0
	while [ "$(alt_screen)" != 0 ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
	[ "$(alt_screen)" = 0 ] || fail "$1: the alternate screen was not left"
	[ "$(modes)" = "0 0" ] || fail "$1: mouse reporting or keypad mode left on: $(modes)"
	stty -a -F "$(pane_tty)" >"$tmp/stty" 2>&1
	sane "$tmp/stty" "$1"
	rm -f "$tmp/typed"
	keys "echo typed-\$((6 * 7)) > $tmp/typed" Enter
	wait_file "$tmp/typed" || fail "$1: the shell does not take commands"
	grep -qx 'typed-42' "$tmp/typed" 2>/dev/null || fail "$1: the shell got '$(cat "$tmp/typed" 2>/dev/null)'"
	expect 'echo typed-$((6 * 7))'
}

# back: everything drawn again at the size the terminal has now, keys work
back() {
	expect "sample 90/90"
	n=0
	# the status line above the F-key bar, the last line
	until capture; sed -n "$(($2 - 1))p" "$tmp/screen" | grep -q '? help' &&
		sed -n "${2}p" "$tmp/screen" | grep -q '^F1Help' && ! grep -q 'ptprompt' "$tmp/screen"; do
		n=$((n + 1))
		[ $n -gt 200 ] && { fail "$1: the screen was not drawn again whole at height $2"; break; }
		sleep 0.1
	done
	[ "$(alt_screen)" = 1 ] || fail "$1: not on the alternate screen again"
	[ "$(modes)" = "1 1" ] || fail "$1: mouse reporting or keypad mode not back: $(modes)"
	keys s "$3"
	expect "Sort $4 "
}

keys C-z
suspended "Ctrl-Z"
# the terminal changes size while pagetop is stopped: SIGWINCH goes to the shell
tmux -L "$sock" resize-window -t t -x 90 -y 25
keys fg Enter
back "fg after Ctrl-Z" 25 5 "ΔBASE"

kill -TSTP "$pid"
suspended "kill -TSTP"
# continued into the background: it must not draw over the shell
kill -CONT "$pid"
n=0
while [ $n -lt 10 ]; do
	capture
	grep -q 'PAGES' "$tmp/screen" && { fail "kill -CONT into the background drew over the shell"; break; }
	sleep 0.1
	n=$((n + 1))
done
[ "$(alt_screen)" = 0 ] || fail "kill -CONT into the background took the screen"
kill -0 "$pid" 2>/dev/null || fail "kill -CONT: pagetop is gone"
tmux -L "$sock" resize-window -t t -x 100 -y 30
keys fg Enter
back "fg after kill -TSTP, -CONT" 30 1 "PAGES"
rm -f "$tmp/rc"
keys q
expect 'ptprompt$'
keys "echo EXIT=\$? > $tmp/rc; stty -a > $tmp/stty" Enter
wait_file "$tmp/stty" && wait_file "$tmp/rc"
grep -qx "EXIT=0" "$tmp/rc" 2>/dev/null || fail "job control: exit status $(cat "$tmp/rc" 2>/dev/null), wanted 0"
sane "$tmp/stty" "q after fg"
[ -s "$tmp/err" ] && { cat "$tmp/err"; fail "job control: pagetop wrote to standard error"; }

# pstate PID: its state letter (T: stopped), empty when gone
pstate() {
	sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null
}

# In the background the terminal is the shell's: kill %1 after ^Z (SIGTERM, then SIGCONT,
# as bash does) must end pagetop, not stop it again on SIGTTOU by touching the terminal;
# and kill -TSTP on a job continued in the background stops it once, so one fg brings it
# back.
echo "tui-stress.sh: SIGTERM to a stopped job, SIGTSTP to a background one"
keys "sh -c 'echo \$\$ > $tmp/pid; exec \"\$@\" 2>$tmp/err' sh $PAGETOP $demo" Enter
expect "sample 90/90"
pid=$(cat "$tmp/pid")
keys C-z
suspended "Ctrl-Z before kill -CONT, -TSTP"
kill -CONT "$pid"
n=0
while [ "$(pstate "$pid")" = T ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
kill -TSTP "$pid"
n=0
while [ "$(pstate "$pid")" != T ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ "$(pstate "$pid")" = T ] || fail "kill -TSTP in the background: pagetop did not stop ($(pstate "$pid"))"
[ "$(alt_screen)" = 0 ] || fail "kill -TSTP in the background took the screen"
keys fg Enter
back "one fg after kill -TSTP in the background" 30 1 "PAGES"
keys C-z
suspended "Ctrl-Z before SIGTERM"
kill -TERM "$pid"
kill -CONT "$pid"
# gone, or a zombie the shell has not reaped yet
n=0
while [ -n "$(pstate "$pid")" ] && [ "$(pstate "$pid")" != Z ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
if [ -n "$(pstate "$pid")" ] && [ "$(pstate "$pid")" != Z ]; then
	fail "SIGTERM and SIGCONT to the stopped job: pagetop still there, state $(pstate "$pid")"
	kill -KILL "$pid" 2>/dev/null
fi
[ "$(alt_screen)" = 0 ] || fail "SIGTERM to the stopped job: pagetop took the screen on its way out"
rm -f "$tmp/typed"
keys "echo typed-\$((6 * 7)) > $tmp/typed" Enter
wait_file "$tmp/typed" || fail "SIGTERM to the stopped job: the shell does not take commands"
[ -s "$tmp/err" ] && { cat "$tmp/err"; fail "SIGTERM to the stopped job: pagetop wrote to standard error"; }

# kill -STOP / -CONT with no job control: pagetop keeps the terminal; whatever was written
# to it meanwhile is gone after the redraw. kill -TSTP there: the kernel drops the stop
# (an orphaned process group), pagetop goes on with a whole screen.
echo "tui-stress.sh: kill -STOP, -CONT and -TSTP without job control"
start "$PAGETOP" "$demo"
expect "sample 90/90"
pid=$(cat "$tmp/pid")
kill -STOP "$pid"
printf '\033[2J\033[HSCRIBBLED-OVER\n' >"$(pane_tty)"
expect "SCRIBBLED-OVER"
kill -CONT "$pid"
n=0
until capture; ! grep -q 'SCRIBBLED' "$tmp/screen" && grep -q 'sample 90/90' "$tmp/screen" && grep -q 'PAGES' "$tmp/screen"; do
	n=$((n + 1))
	[ $n -gt 200 ] && { fail "kill -CONT: the screen was not drawn again"; break; }
	sleep 0.1
done
kill -TSTP "$pid"
expect "sample 90/90"
keys s 5
expect "Sort ΔBASE "
keys q
ended 0 "kill -STOP, -CONT, -TSTP"

# ---- 3. signals end the UI and its recording cleanly ----
echo "tui-stress.sh: SIGINT, SIGTERM, SIGHUP, SIGQUIT while the UI records"
for sig in INT TERM HUP QUIT; do
	rec=$tmp/ui-$sig.ptrec
	start "$PAGETOP" $live
	expect "sample 2"
	keys R C-u "$rec" Enter
	expect "recording to"
	expect "REC"
	# a few samples into the recording
	n=0
	while :; do
		capture
		k=$(sed -n '3s/.*REC[^(]*(\([0-9][0-9]*\)).*/\1/p' "$tmp/screen")
		[ "${k:-0}" -ge 3 ] && break
		n=$((n + 1))
		[ $n -gt 200 ] && { fail "SIG$sig: the recording does not grow"; break; }
		sleep 0.1
	done
	kill -"$sig" "$(cat "$tmp/pid")"
	ended 0 "SIG$sig"
	"$PAGETOP" -b "$rec" >"$tmp/out" 2>"$tmp/out.err" ||
		fail "SIG$sig: pagetop -b cannot read the recording: $(cat "$tmp/out.err")"
	k=$(grep -c '^pagetop .* sample [0-9]' "$tmp/out")
	[ "$k" -ge 3 ] || fail "SIG$sig: the recording has $k samples, wanted at least 3"
	tail -n 1 "$rec" | grep -q '^end ' || fail "SIG$sig: the recording has no end line"
done

echo "tui-stress.sh: SIGINT, SIGTERM, SIGHUP, SIGQUIT end pagetop record"
for sig in INT TERM HUP QUIT; do
	rec=$tmp/rec-$sig.ptrec
	# a background job of a shell without job control starts with SIGINT and SIGQUIT
	# ignored, and under nohup SIGHUP is (pagetop keeps ignoring what was ignored): put
	# them back
	env --default-signal=INT,QUIT,HUP "$PAGETOP" record --debugfs "$tmp/debug" -d 0.1 -o "$rec" \
		2>"$tmp/rec.err" &
	rpid=$!
	n=0
	while k=$(grep -c '^e ' "$rec" 2>/dev/null); [ "${k:-0}" -lt 3 ] && [ $n -lt 200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -"$sig" "$rpid"
	n=0
	while kill -0 "$rpid" 2>/dev/null && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
	if kill -0 "$rpid" 2>/dev/null; then
		fail "pagetop record did not end on SIG$sig"
		kill -KILL "$rpid"
	fi
	wait "$rpid"
	st=$?
	[ "$st" -eq 0 ] || fail "pagetop record, SIG$sig: exit status $st: $(cat "$tmp/rec.err")"
	"$PAGETOP" -b "$rec" >"$tmp/out" 2>"$tmp/out.err" ||
		fail "pagetop record, SIG$sig: pagetop -b cannot read the recording: $(cat "$tmp/out.err")"
	k=$(grep -c '^pagetop .* sample [0-9]' "$tmp/out")
	[ "$k" -ge 3 ] || fail "pagetop record, SIG$sig: $k samples in the recording, wanted at least 3"
	tail -n 1 "$rec" | grep -q '^end ' || fail "pagetop record, SIG$sig: the recording has no end line"
done

# ---- 4. a closed pipe ----
# pagetop -b | head -1: the reader has what it wanted; pagetop stops quietly with exit
# status 0 (not 141: SIGPIPE is ignored so that the kernel's count_threshold is always put
# back, and a closed pipe is not an error), live too.
echo "tui-stress.sh: a closed pipe"
for args in "$demo" "--format csv $demo" "--format json $demo" "--expand --no-symbols $demo" "$live"; do
	rm -f "$tmp/st"
	{ timeout 60 "$PAGETOP" -b $args 2>"$tmp/pipe.err"; echo $? >"$tmp/st"; } | head -1 >/dev/null
	st=$(cat "$tmp/st")
	[ "$st" = 0 ] || fail "pagetop -b $args | head -1: exit status $st, wanted 0"
	[ -s "$tmp/pipe.err" ] && fail "pagetop -b $args | head -1: said $(cat "$tmp/pipe.err")"
done

# ---- 5. pagetop record never writes over a file or through a symbolic link ----
echo "tui-stress.sh: pagetop record and existing names"
echo precious >"$tmp/target"
ln -s "$tmp/target" "$tmp/link"
ln -s "$tmp/nowhere" "$tmp/dangling"
for force in "" --force; do
	for name in link dangling; do
		"$PAGETOP" record $force --from "$demo" -o "$tmp/$name" 2>"$tmp/rec.err"
		st=$?
		[ "$st" = 1 ] || fail "record $force -o $name (a symbolic link): exit status $st, wanted 1"
		grep -q "$tmp/$name is a symbolic link" "$tmp/rec.err" ||
			fail "record $force -o $name: said '$(cat "$tmp/rec.err")'"
	done
done
[ "$(cat "$tmp/target")" = precious ] || fail "record wrote through a symbolic link"
[ -e "$tmp/nowhere" ] && fail "record created the target of a dangling link"
"$PAGETOP" record --from "$demo" -o "$tmp/target" 2>"$tmp/rec.err"
st=$?
[ "$st" = 1 ] || fail "record -o over a file: exit status $st, wanted 1"
grep -q "exists: give --force to overwrite it" "$tmp/rec.err" || fail "record over a file said '$(cat "$tmp/rec.err")'"
[ "$(cat "$tmp/target")" = precious ] || fail "record overwrote a file without --force"

rm -f "$tmp/feeding"
if [ $fails -gt 0 ]; then
	echo "tui-stress.sh: $fails failures"
	exit 1
fi
echo "tui-stress.sh: ok"
exit 0
