#!/bin/sh
# dev.sh - set up everything pagetop needs, build it, then run it or test it.
#
#   ./dev.sh run    install build dependencies, build, run pagetop (on the live kernel
#                   when this machine can, else on the bundled real recording)
#   ./dev.sh test   install build and test dependencies, build, run the whole suite
#                   (make check, then make distcheck); PAGETOP_CI=1 (as .ci/run sets
#                   it) makes a test whose precondition is missing fail (tests/README.md)
#   ./dev.sh failures [DIR]
#                   the end of each failed test's log under DIR (default .)
#
# Works on a fresh Debian 12 (or Ubuntu) as root or through sudo.
set -eu
cd "$(dirname "$0")"
mode=${1:-run}
[ $# -gt 0 ] && shift

build_deps="build-essential autoconf automake autopoint libtool gettext pkg-config
  libncurses-dev libdw-dev libelf-dev check zlib1g-dev liblzma-dev libzstd-dev xz-utils gzip"
test_deps="valgrind tmux elfutils qemu-system-x86 busybox-static cpio util-linux libclang-rt-14-dev clang zstd
  man-db prometheus prometheus-node-exporter curl golang-go linux-source-6.1"

install_deps() {
	missing=""
	for p in $*; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "dev.sh: installing$missing" >&2
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

# show_failures DIR: the last lines of each failed test's log under DIR, at the end of
# the output, where a CI that keeps only its tail shows them
show_failures() {
	find "$1" -name '*.trs' 2>/dev/null | while read -r trs; do
		grep -qE '^:test-result: (FAIL|ERROR)' "$trs" || continue
		log=${trs%.trs}.log
		echo "==== the end of $log"
		tail -n 60 "$log"
	done
}

build() {
	[ -x configure ] || ./autogen.sh
	[ -f Makefile ] || ./configure --enable-werror
	make -j"$(nproc)"
}

case $mode in
failures)
	show_failures "${1:-.}"
	;;
run)
	install_deps $build_deps
	build
	if [ -r /sys/kernel/debug/page_owner_stacks/show_stacks ] ||
	   [ -r /sys/kernel/debug/page_owner_stacks ] ||
	   [ -r /sys/kernel/debug/page_owner ]; then
		exec ./src/pagetop "$@"
	fi
	echo "dev.sh: no readable page_owner data on this machine (needs root and a kernel" >&2
	echo "        booted with page_owner=on): showing a real recording of the lab kernel" >&2
	echo "        instead (tests/data/lab.ptrec.xz: 90 samples, a ramdisk leak in [brd])." >&2
	if [ -t 1 ]; then
		exec ./src/pagetop "$@" tests/data/lab.ptrec.xz
	fi
	exec ./src/pagetop -b --sort score --limit 15 "$@" tests/data/lab.ptrec.xz
	;;
test)
	install_deps $build_deps $test_deps
	build
	# the kernel lab, absolute: make distcheck builds and tests far from ../shared
	if [ -z "${KERNEL_LAB:-}" ] && [ -d ../shared/kernel-lab ]; then
		KERNEL_LAB=$(cd ../shared/kernel-lab && pwd)
		export KERNEL_LAB
	fi
	make -j"$(nproc)" check || { show_failures .; exit 1; }
	make -j"$(nproc)" distcheck || { show_failures .; exit 1; }
	;;
*)
	echo "usage: ./dev.sh run|test|failures [DIR]" >&2
	exit 2
	;;
esac
