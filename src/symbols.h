/* symbols.h - frame to source line resolution with libdw (one thread owns libdw). */
#ifndef PAGETOP_SYMBOLS_H
#define PAGETOP_SYMBOLS_H

/* Version of the libdw in use, for --version. */
const char *symbols_libdw_version(void);

#endif
