#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# prometheus.sh - pagetop's metrics end to end, through the real programs a fleet runs:
# Debian's prometheus-node-exporter reads pagetop's textfile (textfile collector), Debian's
# prometheus scrapes the exporter every second, both on 127.0.0.1 only, on ports found
# free, stopped at the end. Then Prometheus's HTTP API is asked which caller's pages grew
# fastest over the run: the ramdisk leak's brd_submit_bio [brd].
#
# PAGETOP_PROM_SOURCE picks what pagetop reads:
#   recording (default; make check): the bundled recording of the lab's leak, one sample
#       every few, each written as the textfile (pagetop -b --format openmetrics REC@N, the
#       file replaced by a rename) once Prometheus has scraped the one before;
#   lab (make check-live: tests/lab/prometheus-live.sh): the kernel lab's leak live,
#       written by pagetop record --textfile in the guest, into the host's /tmp.
# The script talks to the servers with curl; pagetop does not.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
PAGETOP=${PAGETOP:-$top_builddir/src/pagetop}
. "$top_srcdir/tests/lib.sh"
require prometheus
require prometheus-node-exporter
require curl
mode=${PAGETOP_PROM_SOURCE:-recording}
[ "$mode" = lab ] && require_lab
PAGETOP=$(cd "$(dirname "$PAGETOP")" && pwd)/$(basename "$PAGETOP")
export LC_ALL=C.UTF-8 LANGUAGE= TZ=UTC

# The guest sees the host's /tmp only: the textfile's folder is there.
T=$(mktemp -d /tmp/pagetop-prom.XXXXXX) || exit 99
exporter_pid=""
prom_pid=""
cleanup() {
	[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
	[ -n "$exporter_pid" ] && kill "$exporter_pid" 2>/dev/null && wait "$exporter_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
mkdir -p "$T/textfile" "$T/tsdb"

# wait_for SECONDS CMD...: run CMD every 0.2 s until it succeeds or SECONDS pass
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# start NAME PIDVAR LOG CMD... (with @PORT@ in it): CMD on a free port; retries with
# another port when the one picked was taken (the server exits), up to 20 times.
port=""
start() {
	local name=$1 var=$2 log=$3 i pid a
	shift 3
	for i in $(seq 20); do
		port=$((20000 + (RANDOM * 7 + i) % 40000))
		local args=()
		for a in "$@"; do args+=("${a//@PORT@/$port}"); done
		"${args[@]}" >"$log" 2>&1 &
		pid=$!
		if wait_for 30 ready "$pid" "$port" && kill -0 "$pid" 2>/dev/null; then
			printf -v "$var" %s "$pid"
			return 0
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	echo "could not start $name:" >&2
	sed 's/^/  /' "$log" >&2
	exit 99
}
# ready PID PORT: the server is alive and answers on PORT (a dead one: give up the port)
ready() {
	kill -0 "$1" 2>/dev/null || return 0
	curl -fsS -o /dev/null "http://127.0.0.1:$2/$ready_path" 2>/dev/null
}

ready_path=metrics
start node-exporter exporter_pid "$T/exporter.log" prometheus-node-exporter \
	--web.listen-address=127.0.0.1:@PORT@ --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$T/textfile"
exporter_port=$port

cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
EOF
ready_path=-/ready
start prometheus prom_pid "$T/prometheus.log" prometheus --config.file="$T/prometheus.yml" \
	--storage.tsdb.path="$T/tsdb" --web.listen-address=127.0.0.1:@PORT@ --log.level=warn
prom_port=$port
echo "node exporter on 127.0.0.1:$exporter_port, prometheus on 127.0.0.1:$prom_port"

# query PROMQL: the API's answer (JSON) on standard output
query() {
	curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1"
}
# scraped_after UNIXTIME: Prometheus holds a sample of pagetop's total newer than UNIXTIME
scraped_after() {
	local t
	t=$(query 'timestamp(pagetop_total_pages)' 2>/dev/null |
		sed -n 's/.*"value":\[[0-9.]*,"\([0-9.]*\)"\].*/\1/p')
	[ -n "$t" ] && awk -v t="$t" -v a="$1" 'BEGIN { exit !(t > a) }'
}

tf=$T/textfile/pagetop.prom
start_time=$(date +%s.%N)
case $mode in
recording)
	rec=$top_srcdir/tests/data/lab.ptrec.xz
	n=0
	for s in $(seq 0 6 84); do
		if ! "$PAGETOP" -b --format openmetrics "$rec@$s" >"$tf.new" 2>"$T/err"; then
			fail "pagetop -b --format openmetrics $rec@$s"
			cat "$T/err"
			break
		fi
		mv "$tf.new" "$tf"
		written=$(date +%s.%N)
		# the next sample only once this one is in Prometheus
		if ! wait_for 30 scraped_after "$written"; then
			fail "Prometheus did not scrape sample $s within 30 s"
			sed 's/^/  /' "$T/prometheus.log"
			break
		fi
		n=$((n + 1))
	done
	[ "$n" -eq 15 ] && pass "Prometheus scraped 15 samples of the recording"
	;;
lab)
	"$KERNEL_LAB/run-vm" -t 300 -w leak -W 3 -- "$PAGETOP" record -n 20 -d 1 \
		--textfile "$tf" 2>"$T/record.err"
	rc=$?
	sed 's/^/  stderr: /' "$T/record.err"
	if [ "$rc" -eq 0 ]; then
		pass "pagetop record --textfile in the guest (status 0)"
	else
		fail "pagetop record --textfile in the guest: status $rc"
	fi
	written=$(date +%s.%N)
	wait_for 30 scraped_after "$written" || fail "Prometheus did not scrape the last sample"
	;;
*)
	echo "PAGETOP_PROM_SOURCE=$mode: expected recording or lab" >&2
	exit 99
	;;
esac

# The series that grew fastest over the run, as a fleet would ask it.
range=$(awk -v a="$start_time" -v b="$(date +%s.%N)" 'BEGIN { printf "%ds", b - a + 2 }')
got=$(query "count_over_time(pagetop_total_pages[$range])" |
	sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')
if [ "${got:-0}" -ge 10 ]; then
	pass "Prometheus holds $got samples of pagetop's total over the run"
else
	fail "Prometheus holds ${got:-no} samples of pagetop's total over the run, expected 10 or more"
fi
q="topk(1, deriv(pagetop_pages{caller!=\"(other)\"}[$range]))"
ans=$(query "$q")
echo "query: $q"
echo "answer: $ans"
if printf '%s' "$ans" | grep -q '"caller":"brd_submit_bio"' &&
	printf '%s' "$ans" | grep -q '"module":"brd"'; then
	pass "Prometheus names brd_submit_bio [brd] the fastest-growing caller"
else
	fail "the fastest-growing series is not brd_submit_bio [brd]"
fi
# and it grew by pages, not by nothing: deriv in pages per second, positive
rate=$(printf '%s' "$ans" | sed -n 's/.*"value":\[[0-9.]*,"\([-0-9.e+]*\)"\].*/\1/p')
if awk -v r="${rate:-0}" 'BEGIN { exit !(r > 0) }'; then
	pass "it grew ($rate pages/s)"
else
	fail "its rate is not positive: ${rate:-none}"
fi
# the exporter saw pagetop's file without complaint
if curl -fsS "http://127.0.0.1:$exporter_port/metrics" |
	grep -q '^node_textfile_scrape_error 0$'; then
	pass "the node exporter read the textfile without error"
else
	fail "node_textfile_scrape_error is not 0"
	sed 's/^/  /' "$T/exporter.log"
fi

((failures == 0))
