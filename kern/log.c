/*
 * log.c - the Log: the kernel console for user programs
 * (idl/kernel/log.idl).
 */
#include "console.h"
#include "icu.h"
#include "invoke.h"

#include <idl/kernel/log_server.h>

struct kobj log_object = { .type = KOBJ_LOG, .permanent = 1 };

static int op_print(void *obj, const void *text, uint32_t text_len)
{
	int err = invoke_need(obj, MICA_W);

	if (!err)
		kputs_user(text, text_len);
	return err;
}

const struct log_ops log_protocol = {
	.print = op_print,
};
