#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tui-tmux.sh - the real binary's UI in a real terminal (tmux) on the bundled recording
# folder tests/data/demo: keys go in with send-keys, the screen comes back with
# capture-pane. Also: SOURCE@SAMPLE opens at that sample, ^ and a jump to a row's peak
# and first sample; the terminal is clean after q, SIGTERM and SIGINT; -n leaves by
# itself; T and F5 show the call tree; a named pipe without a writer is waited for (^C
# leaves); without a terminal pagetop falls back to batch output.
#
# Needs tmux (tests/lib.sh). Uses its own tmux server (-L).
set -u
: "${PAGETOP:=./src/pagetop}"
: "${top_srcdir:=.}"
. "$top_srcdir/tests/lib.sh"
require tmux

demo=$top_srcdir/tests/data/demo
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pagetop-tmux.XXXXXX")
fails=0
nsess=0
sock=pagetop-test-$$-0
. "$top_srcdir/tests/cli/tmux-lib.sh"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$sockdir/$sock"; rm -rf "$tmp"' EXIT INT TERM

# start CMD...: pagetop in a fresh session; afterwards the pane says how it ended and
# whether the terminal is sane again (echo and canonical mode back on). $pane_init runs
# first in the pane's shell.
start() {
	new_server
	rm -f "$tmp/rc" "$tmp/stty" "$tmp/pid"
	tmux -L "$sock" -u new-session -d -s t -x 100 -y 30 \
		"${pane_init:-}env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$tmp HOME=$tmp \
		 sh -c 'echo \$\$ > $tmp/pid; exec \"\$@\"' sh $*; echo EXIT=\$? > $tmp/rc; \
		 stty -a > $tmp/stty; echo DONE; sleep 30"
}

# ended STATUS: pagetop is gone with that exit status and the terminal is sane
ended() {
	n=0
	while [ ! -s "$tmp/stty" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	# the shell says DONE just after stty: on a busy machine that takes a moment
	wait_for DONE 10 || :
	grep -qx "EXIT=$1" "$tmp/rc" 2>/dev/null || fail "exit status: $(cat "$tmp/rc" 2>/dev/null), wanted $1"
	grep -q -- ' icanon' "$tmp/stty" && grep -q -- ' echo ' "$tmp/stty" ||
		fail "the terminal was left in raw mode: $(cat "$tmp/stty" 2>/dev/null)"
	# the UI's screen is gone: the alternate screen was left
	grep -q 'PAGES' "$tmp/screen" && fail "the UI is still on the screen after it left"
	grep -q 'DONE' "$tmp/screen" || fail "the shell did not get the terminal back"
}

# ---- browsing the recording ----
echo "tui-tmux.sh: browsing the recording"
start "$PAGETOP" "$demo"
expect "sample 90/90"
expect "Sort PAGES ▼"
expect "execmem_vmalloc"
keys s 5
expect "Sort ΔBASE ▼"
keys '{' '{'
expect "sample 70/90"
settle
sed -n 5p "$tmp/screen" | grep -q 'brd_submit_bio \[brd\]' || fail "[brd] is not the first row"
keys Enter
expect "> brd_submit_bio+0x28d/0x42b [brd]"
expect "prep_new_page+0x17/0x43"
keys Left
wait_gone "prep_new_page" || fail "collapse left the frames"
keys '?'
expect "keys (any other key closes this help)"
keys x
expect "ΔBASE▼"
keys / z s _ m a l l o c Enter
expect "zs_malloc [zsmalloc]"
keys g
expect "group caller"
keys F1
expect "keys (any other key closes this help)"
keys Escape
expect "group caller"
keys q
ended 0

# ---- the screen and batch mode agree: a group mode asked for late ----
# A user's first steps on a recording: at its last sample, g g to the function groups.
# The first rows' pages, change and change since the baseline are batch mode's.
echo "tui-tmux.sh: the screen and batch mode agree on a group asked for late"
rec=$top_srcdir/tests/data/lab.ptrec.xz
start "$PAGETOP" "$rec"
expect "sample 90/90"
keys g g
expect "group function"
expect "FUNCTION"
settle
# the columns by their titles (the sort mark and the stack counts taken off)
awk 'f == 0 && /FUNCTION/ { for (i = 1; i <= NF; i++) { t = $i; sub(/[▲▼]$/, "", t); c[t] = i }
	f = 1; next }
     f == 1 && n < 8 && NF > 0 { l = $0; sub(/ \([0-9,]+ stacks?\)$/, "", l)
	for (i = 1; i < c["FUNCTION"]; i++) sub(/^ *[^ ]+ +/, "", l)
	printf "%d %d %d %s\n", $c["PAGES"], $c["Δ"], $c["ΔBASE"], l; n++ }' \
	"$tmp/screen" >"$tmp/screen-rows"
"$PAGETOP" -b --group function --format csv "$rec" |
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == 89 && n < 8 { l = $c["label"]; gsub(/^"|"$/, "", l)
		printf "%d %d %d %s\n", $c["pages"], $c["delta"], $c["delta_base"], l; n++ }' \
	>"$tmp/batch-rows"
[ "$(wc -l <"$tmp/batch-rows")" -eq 8 ] || fail "batch mode printed no rows for the last sample"
cmp -s "$tmp/screen-rows" "$tmp/batch-rows" ||
	fail "the screen and batch mode differ (pages, change, since the baseline, label):
$(diff "$tmp/screen-rows" "$tmp/batch-rows")"
grep -q '^[0-9]* -16 ' "$tmp/screen-rows" || fail "the function groups show no change"
keys q
ended 0

# ---- the call tree: T and F5, expanding ----
echo "tui-tmux.sh: the call tree"
# (the frames alone: the recording's carried source lines would follow them)
start "$PAGETOP" --no-symbols "$top_srcdir/tests/data/lab.ptrec.xz"
expect "sample 90/90"
expect "F5Tree"
keys T
expect "tree top-down"
expect "FRAME"
settle
sed -n 5p "$tmp/screen" | grep -q '39936 .*▸ __x64_sys_close+0x3e/0x6e (1 stack)' ||
	fail "the largest root is not the first line"
keys Enter
expect "└─ ▸ __fput+0xfb/0x1b4 (1 stack)"
keys '*'
expect "└─ · brd_sub"
keys Down Left
expect "└─ ▸ __fput+0xfb/0x1b4 (1 stack)"
wait_gone "brd_sub" || fail "Left did not collapse __fput"
# Left on the collapsed __fput goes to its parent, Left again collapses that
keys Left Left
n=0
while grep -qF "└─ ▸ __fput" "$tmp/screen" && [ $n -lt 100 ]; do sleep 0.1; capture; n=$((n + 1)); done
settle
grep -qF "└─ ▸ __fput" "$tmp/screen" && fail "Left on a collapsed node did not go to its parent"
sed -n 5p "$tmp/screen" | grep -q '▸ __x64_sys_close' || fail "the root is not collapsed"
keys F5
expect "tree bottom-up"
keys F5
expect "CALLER"
settle
grep -qF "tree bottom-up" "$tmp/screen" && fail "F5 did not leave the tree"
keys q
ended 0
# --tree opens the screen in that mode
start "$PAGETOP" --tree bottom-up "$top_srcdir/tests/data/lab.ptrec.xz"
expect "tree bottom-up"
expect "▸ brd_submit_bio+0x28d/0x42b [brd]"
keys q
ended 0

# ---- the chart of a row: the [brd] leak of the lab recording rises ----
echo "tui-tmux.sh: the chart of a row"
start "$PAGETOP" "$top_srcdir/tests/data/lab.ptrec.xz"
expect "sample 90/90"
keys c
expect "brd_submit_bio [brd]  156.0 MiB now  ▲ peak 156.0 MiB"
expect "└◆"
settle
# the top line of the plot has dots only at its right end, the bottom one from its start
top=$(sed -n 's/.*156\.0 MiB ┤//p' "$tmp/screen")
bottom=$(sed -n 's/.* 4\.0 MiB ┤//p' "$tmp/screen")
case $top in "                                        "*[!\ ]*) ;; *) fail "the chart's top line: '$top'" ;; esac
case $bottom in [!\ ]*) ;; *) fail "the chart's bottom line: '$bottom'" ;; esac
keys j
expect "shmem_alloc_and_add_folio.constprop.0  48.2 MiB now"
keys c
wait_gone "▲ peak" || fail "c did not hide the chart"
keys q
ended 0

# ---- htop's F-keys and the bar at the bottom ----
echo "tui-tmux.sh: F-keys and the function-key bar"
start "$PAGETOP" "$demo"
expect "F1Help  F2Setup F3SearchF4FilterF5Tree  F6SortByF10Quit"
settle
tail -n 1 "$tmp/screen" | grep -q '^F1Help' || fail "the bar is not the last line"
keys F3
expect "Search:"
keys Escape F4
expect "Filter (regex, !regex hides):"
keys Escape F6
expect "Sort by:"
keys 3
expect "Sort Δ ▼"
keys F1
expect "keys (any other key closes this help)"
keys Escape F2
expect "setup: Up/Down choose"
expect "[ ] PEAK"
# PEAK is the 17th line; End and Home differ between terminals, j does not
keys j j j j j j j j j j j j j j j j Space
expect "[x] PEAK"
keys Escape
expect "PEAK"
keys F10
ended 0
printf 'set function-bar = off\n' >"$tmp/rc-bar"
mkdir -p "$tmp/pagetop" && cp "$tmp/rc-bar" "$tmp/pagetop/pagetoprc"
start "$PAGETOP" "$demo"
expect "sample 90/90"
wait_for "F1Help" 1 && fail "set function-bar = off still shows the bar"
keys q
ended 0
rm -f "$tmp/pagetop/pagetoprc"

# ---- thresholds in bytes and percent: t, the header, W and the file read back ----
echo "tui-tmux.sh: thresholds in bytes and percent"
start "$PAGETOP" "$demo"
expect "sample 90/90"
keys t 6 4 M Enter
expect "threshold ≥ 64 MiB (16,384 pages)"
expect "no rows: the threshold"
keys t C-u 0 . 5 % Enter
expect "threshold ≥ 0.5% (12 pages)"
keys +
expect "threshold ≥ 1% (24 pages)"
keys W
wait_for "saved" 10
grep -qx 'set threshold = 1%' "$tmp/pagetop/pagetoprc" 2>/dev/null ||
	fail "W did not save the threshold in percent: $(cat "$tmp/pagetop/pagetoprc" 2>/dev/null)"
keys q
ended 0
start "$PAGETOP" "$demo"
expect "threshold ≥ 1% (24 pages)"
keys q
ended 0
rm -f "$tmp/pagetop/pagetoprc"

# ---- -n: leaves by itself (smoke test, like htop -n) ----
echo "tui-tmux.sh: -n: leaves by itself (smoke test, like htop -n)"
start "$PAGETOP" -n 3 "$demo"
ended 0

# ---- SOURCE@SAMPLE: the screen opens there; ^ and a go to the selected row's peak and
# first sample ----
echo "tui-tmux.sh: a sample picked on the command line, jumps to a row's moments"
start "$PAGETOP" "$demo@40"
expect "sample 41/90"
# by peak, the first shmem row: the stack that held 12,416 pages from sample 36 on (from
# 1, as the header counts) and came in sample 11
keys s 7
expect "Sort PEAK ▼"
keys / s h m e m Enter
keys -l '^'
expect "the row peaked at 12,416 pages in sample 36"
expect "sample 36/90"
keys a
expect "the row first appeared in sample 11"
expect "sample 11/90"
keys q
ended 0
# @peak opens at the sample batch mode prints for it
peak=$("$PAGETOP" -b --format json "$demo@peak" | sed -n 's/^{"sample":\([0-9]*\),.*/\1/p')
start "$PAGETOP" "$demo@peak"
expect "sample $((peak + 1))/90"
keys q
ended 0

# ---- signals restore the terminal ----
echo "tui-tmux.sh: signals restore the terminal"
for sig in TERM INT HUP; do
	start "$PAGETOP" "$demo"
	expect "sample 90/90"
	kill -"$sig" "$(cat "$tmp/pid")"
	ended 0
done
start "$PAGETOP" "$demo"
expect "sample 90/90"
keys C-c
ended 0

# ---- a named pipe with no writer yet: pagetop says it waits, before the screen is
# taken; ^C leaves with the terminal as it was; a writer that comes brings the UI ----
echo "tui-tmux.sh: a named pipe with no writer yet"
mkfifo "$tmp/fifo"
# ^C in a cooked terminal reaches the pane's shell too: it must live to say how pagetop
# ended, as an interactive shell does (a handler, not an ignore: that would be inherited)
pane_init='trap : INT; '
start "$PAGETOP" "$tmp/fifo"
pane_init=
expect "is a named pipe: waiting for a writer"
keys C-c
ended 130
start "$PAGETOP" "$tmp/fifo"
expect "is a named pipe: waiting for a writer"
xz -dc "$demo/0089.show_stacks.xz" >"$tmp/snap"
timeout 30 sh -c "cat '$tmp/snap' >'$tmp/fifo'" || fail "cannot write to the pipe"
expect "execmem_vmalloc"
keys q
ended 0

# ---- the terminal is small ----
echo "tui-tmux.sh: the terminal is small"
new_server
tmux -L "$sock" -u new-session -d -s t -x 30 -y 8 \
	"env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$tmp $PAGETOP $demo; sleep 30"
expect "terminal too small"
tmux -L "$sock" resize-window -t t -x 90 -y 25 2>/dev/null
expect "sample 90/90"

# ---- /proc/allocinfo: bytes, call sites, files; no pages ----
echo "tui-tmux.sh: /proc/allocinfo"
start "$PAGETOP" "$top_srcdir/tests/data/allocinfo"
# CALLS and AVG take 15 columns more: the labels' file and line need a wider terminal
tmux -L "$sock" resize-window -t t -x 130 -y 30 2>/dev/null
expect "sample 30/30"
expect "SIZE   CALLS    AVG"
expect "Total 127.3 MiB in 52,347 calls"
expect "call sites 338 of 338"
expect "BYTES▼"
expect "brd_insert_page [brd]"
expect "alloc_page_ext @ mm/page_ext.c:271"
keys g g g g
expect "group file"
expect "drivers/block/brd.c (2 call sites)"
keys g
expect "group directory"
expect "drivers/block/ ("
settle
grep -qiw pages "$tmp/screen" && fail "allocinfo's screen says pages"
keys g
expect "group stack"
keys q
ended 0

# ---- the per-block dump's blocks ----
echo "tui-tmux.sh: the per-block dump by task, cgroup and block"
start "$PAGETOP" --group comm,caller --older-than 10s "$top_srcdir/tests/data/attrib/page_owner"
expect "blocks by comm > caller"
expect "4 of 10 pages in 4 of 6 blocks, 3 groups"
expect "selected: older than 10s  (read at 100.5 s since boot)"
expect "         2        2      0.00  50.0%  ▸ java"
keys Enter
expect "▾ java"
expect "         2        2      0.00  50.0%      alloc_inode"
keys Left
expect "▸ java"
keys g
expect "blocks by memcg > caller"
expect "(offline)"
keys q
ended 0
# a series: the blocks are those of the sample shown, as -b SOURCE@N prints them
"$PAGETOP" record --from "$top_srcdir/tests/data/attrib-series" -o "$tmp/blocks.ptrec" 2>"$tmp/err" ||
	fail "record attrib-series: $(cat "$tmp/err")"
for src in "$top_srcdir/tests/data/attrib-series" "$tmp/blocks.ptrec"; do
	start "$PAGETOP" --group comm "$src"
	expect "sample 4/4"
	expect "10 of 10 pages in 6 of 6 blocks, 4 groups"
	expect "         5        2      1.00  50.0%  ▸ nginx"
	keys [
	expect "sample 3/4"
	expect "7,433 of 7,433 pages in 7,199 of 7,199 blocks, 17 groups"
	expect "     3,752    3,752      0.00  50.5%  ▸ swapper"
	expect "(read at 700."
	keys [ [
	expect "sample 1/4"
	expect "7,616 of 7,616 pages in 7,414 of 7,414 blocks, 17 groups"
	expect "     3,129    3,128      0.00  41.1%  ▸ swapper"
	expect "(read at 8.0 s since boot)"
	settle
	grep -q "blocks of the last sample read" "$tmp/screen" && fail "$src: the last sample's blocks at sample 1"
	keys ] ] ]
	expect "sample 4/4"
	expect "         5        2      1.00  50.0%  ▸ nginx"
	keys q
	ended 0
done
start "$PAGETOP" "$top_srcdir/tests/data/small/page_owner.xz"
expect "register_early_stack"
keys g g g g
expect "blocks by stack, sorted by pages"
expect "     4,685    4,685      0.00  41.1%  ▸ register_early_stack #0"
keys g
expect "blocks by pid > stack"
expect "11,405 of 11,405 pages in 11,121 of 11,121 blocks"
keys Enter Down Enter
expect "top tasks (pid comm: pages, blocks)"
expect "0 swapper: 4,685, 4,685"
keys Escape
expect "  ▸ register_early_stack #0"
settle
grep -q "top tasks" "$tmp/screen" && fail "Esc left the stack open"
keys Escape
expect "▸ 0"
keys Escape
expect "group stack"
keys q
ended 0

# ---- no terminal: batch output ----
echo "tui-tmux.sh: no terminal: batch output"
"$PAGETOP" -n 1 "$demo" </dev/null >"$tmp/batch" 2>&1
grep -q "^Sort pages descending" "$tmp/batch" || { cp "$tmp/batch" "$tmp/screen"; fail "no batch fallback"; }

if [ $fails -gt 0 ]; then
	echo "tui-tmux.sh: $fails failures"
	exit 1
fi
echo "tui-tmux.sh: ok"
exit 0
