# SPDX-License-Identifier: GPL-2.0-or-later
# tmux-lib.sh - what the screen tests share (sourced, not run): a tmux server of the
# test's own (-L "$sock"), its screen in "$tmp/screen", waits with a deadline.
#
# The test sets tmp (its temporary folder), sock (the server's name) and fails=0 before
# sourcing; sockdir is where tmux keeps the server's socket (remove it at the end).
sockdir=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)

fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	cat "$tmp/screen" 2>/dev/null
	fails=$((fails + 1))
}

capture() {
	tmux -L "$sock" capture-pane -p -t t >"$tmp/screen" 2>/dev/null
}

# wait_for TEXT [SECONDS]: until the screen shows TEXT (default 20 s)
wait_for() {
	n=0
	limit=$(( ${2:-20} * 10 ))
	while [ $n -lt "$limit" ]; do
		capture
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT (default 20 s): after a
# key that should remove it, the screen may still be the one before the key
wait_gone() {
	n=0
	limit=$(( ${2:-20} * 10 ))
	while [ $n -lt "$limit" ]; do
		capture
		grep -qF -- "$1" "$tmp/screen" || return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# settle: until two captures 0.2 s apart are the same (at most 10 s). One screen can reach
# tmux in more than one piece: a capture that matched a text of the top lines may not
# have the rest yet. Before a look at lines other than the ones waited for.
settle() {
	n=0
	capture
	cp "$tmp/screen" "$tmp/screen.before"
	while [ $n -lt 50 ]; do
		sleep 0.2
		capture
		cmp -s "$tmp/screen" "$tmp/screen.before" && return 0
		cp "$tmp/screen" "$tmp/screen.before"
		n=$((n + 1))
	done
	return 0
}

# expect TEXT [SECONDS]: wait_for, else a failure
expect() {
	wait_for "$1" "${2:-20}" || fail "expected '$1'"
}

keys() {
	tmux -L "$sock" send-keys -t t "$@"
}

# new_server: a server of its own for the next session (no race with the last one going
# away); the test's sock ends in -N
new_server() {
	tmux -L "$sock" kill-server 2>/dev/null
	rm -f "$sockdir/$sock"
	nsess=$(( ${nsess:-0} + 1 ))
	sock=${sock%-*}-$nsess
}

# guest_quit [TEXT]: q to a pagetop the lab's run-vm -i runs under tmux, which writes
# EXIT=status to "$tmp/rc" when it ends: that is 0, and TEXT (shown only by the UI) is
# gone from the terminal
guest_quit() {
	keys q
	n=0
	while [ ! -s "$tmp/rc" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
	capture
	grep -qx "EXIT=0" "$tmp/rc" 2>/dev/null ||
		fail "exit status $(cat "$tmp/rc" 2>/dev/null), wanted 0"
	if [ -n "${1:-}" ] && grep -q "$1" "$tmp/screen"; then
		fail "the UI is still on the screen after q"
	fi
}
