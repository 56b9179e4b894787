/* symbols.c - frame to source line resolution with libdw (grows in its own issue). */
#include "config.h"

#include <elfutils/version.h>
#include <stdio.h>

#include "symbols.h"

const char *symbols_libdw_version(void)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "0.%d", _ELFUTILS_VERSION);
	return buf;
}
