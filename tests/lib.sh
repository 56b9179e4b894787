# lib.sh - what the shell tests share (sourced, not run): their preconditions.
#
# A test that lacks what it needs (a program, root, the kernel lab) can say nothing about
# pagetop. Run by hand it exits 77, which make check counts as SKIP; with PAGETOP_CI=1 (set
# by .ci/run) it exits 99, an ERROR: a CI machine has everything, so a missing precondition
# there is a fault, not a pass. The message names what is missing and how to get it.
# Ask for preconditions first, before any check runs. tests/README.md has the rule.
#
# The test sets top_srcdir before sourcing (make check exports it).

# missing WHAT HOW: the test needs WHAT, which HOW gets; exits 77, or 99 under PAGETOP_CI.
missing() {
	case ${PAGETOP_CI:-0} in
	''|0)
		echo "SKIP: ${0##*/}: needs $1: $2" >&2
		exit 77
		;;
	esac
	echo "ERROR: ${0##*/}: needs $1: $2 (PAGETOP_CI=$PAGETOP_CI: a missing precondition fails)" >&2
	exit 99
}

# require CMD [PACKAGE]: the command CMD, from the Debian package PACKAGE (default CMD).
require() {
	command -v "$1" >/dev/null 2>&1 || missing "the command $1" "apt-get install ${2:-$1}"
}

# require_root WHY: root, for WHY.
require_root() {
	[ "$(id -u)" = 0 ] || missing "root ($1)" "run it as root (sudo make check)"
}

# require_lab: the kernel lab (run-vm, vmlinux.xz, and what run-vm needs) in KERNEL_LAB,
# by default ../shared/kernel-lab beside the sources. Leaves KERNEL_LAB absolute, exported.
require_lab() {
	KERNEL_LAB=${KERNEL_LAB:-$top_srcdir/../shared/kernel-lab}
	if ! [ -x "$KERNEL_LAB/run-vm" ] || ! [ -r "$KERNEL_LAB/vmlinux.xz" ]; then
		missing "the kernel lab (run-vm, vmlinux.xz) in $KERNEL_LAB" \
			"set KERNEL_LAB to the lab's folder"
	fi
	require qemu-system-x86_64 qemu-system-x86
	require busybox busybox-static
	require cpio
	KERNEL_LAB=$(cd "$KERNEL_LAB" && pwd)
	export KERNEL_LAB
}
