/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_frame.c - frame lines: frame_split() and its promises, and parse_detect() on the
 * same bytes. */
#include "config.h"

#include "fuzz.h"

FUZZ_TARGET(frame)
{
	const char *s = (const char *)data, *end = s + size;
	struct frame_parts p;

	fuzz_init();
	(void)parse_detect(s, size);
	if (frame_split(s, size, &p) != 0)
		return 0;
	if (p.is_addr) {
		FUZZ_CHECK(size > 2 && size <= 18 && s[0] == '0');
		FUZZ_CHECK(p.name == NULL && p.module == NULL);
		return 0;
	}
	FUZZ_CHECK(p.name == s);
	FUZZ_CHECK(p.name_len > 0 && p.name_len < size);
	FUZZ_CHECK(p.name[p.name_len] == '+');
	FUZZ_CHECK(!memchr(p.name, ' ', p.name_len) && !memchr(p.name, '\t', p.name_len));
	if (p.module) {
		FUZZ_CHECK(p.module > s + p.name_len && p.module + p.module_len < end);
		FUZZ_CHECK(p.module_len > 0);
		FUZZ_CHECK(p.module[-1] == '[' && p.module[p.module_len] == ']');
		FUZZ_CHECK(p.module + p.module_len + 1 == end);
	} else {
		FUZZ_CHECK(p.module_len == 0);
	}
	/* the text round-trips: name+0xOFF/0xSIZE[ [module]] with the digits given */
	{
		char buf[64];
		int k = snprintf(buf, sizeof(buf), "%llx", (unsigned long long)p.off);
		const char *o = p.name + p.name_len + 3, *q;

		FUZZ_CHECK(p.name[p.name_len + 1] == '0');
		/* leading zeros are allowed in the text; compare values through strtoull */
		q = memchr(o, '/', (size_t)(end - o));
		FUZZ_CHECK(q != NULL);
		FUZZ_CHECK(k > 0);
		{
			char num[32];
			size_t nl = (size_t)(q - o);

			FUZZ_CHECK(nl > 0 && nl <= 16);
			memcpy(num, o, nl);
			num[nl] = '\0';
			FUZZ_CHECK(strtoull(num, NULL, 16) == p.off);
		}
	}
	return 0;
}
