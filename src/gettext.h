/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gettext.h - gettext when NLS is enabled, identity otherwise. */
#ifndef PAGETOP_GETTEXT_H
#define PAGETOP_GETTEXT_H
#if ENABLE_NLS
#include <libintl.h>
#else
#define gettext(s) ((const char *)(s))
#define ngettext(s, p, n) ((n) == 1 ? (const char *)(s) : (const char *)(p))
#define textdomain(d) ((const char *)(d))
#define bindtextdomain(d, dir) ((const char *)(dir))
#endif
#endif
