/*
 * log.c - a Stream on the kernel log: the stdout of programs when no
 * console serves them (tests, early boot).  Reading it is end of input.
 */
#include "root.h"

#include <idl/kernel/log.h>

struct obj log_stream;

void log_stream_init(void)
{
	obj_open(&log_stream, K_LOG, false);
}

int log_stream_write(const void *data, uint32_t len, uint32_t *written)
{
	const char *p = data;

	for (uint32_t done = 0; done < len;) {
		uint32_t n = len - done > 240 ? 240 : len - done;
		int err = log_print(MICA_BOOT_LOG, p + done, n);
		if (err < 0)
			return err;
		done += n;
	}
	*written = len;
	return 0;
}
