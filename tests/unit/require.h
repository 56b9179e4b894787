/* require.h - preconditions of the Check programs (root, a program, the kernel lab) and
 * the exit status they make; testutil.h includes it, programs that cannot include
 * testutil.h (its model.h and <grp.h> both define struct group) include it alone.
 *
 * Some tests need what a machine may lack: root, a program, the kernel lab. The suite
 * asks while it is built (Check runs each test in a child process, which could not tell
 * the parent), and leaves out the tests whose precondition is missing. Once the others
 * passed, the program exits 77 (SKIP in make check's summary), or 99 (ERROR) with
 * PAGETOP_CI=1: a CI machine has everything. tests/README.md has the rule. */
#ifndef PAGETOP_REQUIRE_H
#define PAGETOP_REQUIRE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TEST_KERNEL_LAB
#error "TEST_KERNEL_LAB must name the kernel lab's default folder"
#endif

static int test_nmissing;

static inline int test_ci(void)
{
	const char *ci = getenv("PAGETOP_CI");

	return ci && *ci && strcmp(ci, "0") != 0;
}

/* Whether ok; when not, says that the tests need WHAT, which HOW gets. */
static inline int test_require(int ok, const char *what, const char *how)
{
	if (ok)
		return 1;
	fprintf(stderr, "%s: %s: needs %s: %s%s\n", test_ci() ? "ERROR" : "SKIP",
		program_invocation_short_name, what, how,
		test_ci() ? " (PAGETOP_CI is set: a missing precondition fails)" : "");
	test_nmissing++;
	return 0;
}

/* Root, for WHY. */
static inline int test_require_root(const char *why)
{
	char what[256];

	snprintf(what, sizeof(what), "root (%s)", why);
	return test_require(geteuid() == 0, what, "run it as root (sudo make check)");
}

/* The command CMD, from the Debian package PACKAGE. */
static inline int test_require_cmd(const char *cmd, const char *package)
{
	char sh[256], what[128], how[128];

	snprintf(sh, sizeof(sh), "command -v '%s' >/dev/null 2>&1", cmd);
	snprintf(what, sizeof(what), "the command %s", cmd);
	snprintf(how, sizeof(how), "apt-get install %s", package);
	return test_require(system(sh) == 0, what, how);
}

/* The kernel lab's folder: KERNEL_LAB, else ../shared/kernel-lab beside the sources. */
static inline const char *test_kernel_lab(void)
{
	const char *lab = getenv("KERNEL_LAB");

	return lab && *lab ? lab : TEST_KERNEL_LAB;
}

/* The kernel lab's debug info (vmlinux.xz, modules/). */
static inline int test_require_lab_debuginfo(void)
{
	char vmlinux[4096], mods[4096], what[4200];

	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux.xz", test_kernel_lab());
	snprintf(mods, sizeof(mods), "%s/modules", test_kernel_lab());
	snprintf(what, sizeof(what), "the kernel lab's vmlinux.xz and modules/ in %s",
		 test_kernel_lab());
	return test_require(access(vmlinux, R_OK) == 0 && access(mods, R_OK | X_OK) == 0, what,
			    "set KERNEL_LAB to the lab's folder");
}

/* The program's exit status: 1 when a test failed; else 77 (99 under PAGETOP_CI) when a
 * precondition was missing; else 0. */
static inline int test_exit_status(int failed)
{
	if (failed)
		return EXIT_FAILURE;
	if (test_nmissing) {
		fprintf(stderr, "%s: %s: the other tests passed; those that need what is missing "
			"did not run\n", test_ci() ? "ERROR" : "SKIP", program_invocation_short_name);
		return test_ci() ? 99 : 77;
	}
	return EXIT_SUCCESS;
}

#endif
