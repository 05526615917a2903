/*
 * icu.c - the Icu: hardware interrupt lines to irqs (idl/kernel/icu.idl).
 */
#include "icu.h"

#include "arch.h"
#include "invoke.h"
#include "irq.h"

#include <idl/kernel/icu_server.h>

#include <mica/error.h>

struct kobj icu_object = { .type = KOBJ_ICU, .permanent = 1 };

static int op_bind(void *obj, uint32_t line, slot_t irq_slot)
{
	struct invocation *inv = obj;
	int err = invoke_need(inv, MICA_W);
	struct irq *q;

	if (err)
		return err;
	if (!(q = (struct irq *)invoke_lookup(inv, irq_slot, KOBJ_IRQ, MICA_W, &err)))
		return err;
	err = irq_line_check(q, line);
	if (err)
		return -err;
	irq_connect_line(q, line);
	return 0;
}

static int op_unbind(void *obj, uint32_t line)
{
	struct invocation *inv = obj;
	int err = invoke_need(inv, MICA_W);

	if (err)
		return err;
	if (line >= arch_irq_lines())
		return -MICA_EINVAL;
	irq_disconnect_line(line);
	return 0;
}

static int op_lines(void *obj, uint32_t *count)
{
	int err = invoke_need(obj, MICA_R);

	if (err)
		return err;
	*count = arch_irq_lines();
	return 0;
}

const struct icu_ops icu_protocol = {
	.bind = op_bind,
	.unbind = op_unbind,
	.lines = op_lines,
};
