/*
 * handlers.c - root's protocol handlers: each checks that the object the
 * request's gate names is of its kind (MICA_ENOSYS otherwise, as for a
 * protocol the object does not speak) and hands over to the object's own
 * code.  What a request leaves behind is said to the server loop here:
 * capabilities root keeps (srv_keep), objects made for a reply that go if
 * it cannot be delivered (srv_made).
 */
#include "root.h"

#include <libsys/cap.h>
#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/error.h>
#include <server/server.h>

#include <idl/rt/root_server.h>

#define AS(type, k) if (((struct obj *)req->obj)->kind != (k)) return -MICA_ENOSYS; type *o = req->obj; (void)o

/* An object made for a reply nobody received: nobody holds it, so it goes. */
static void undo_made(void *made)
{
	struct obj *o = made;

	if (o->kind == K_DS)
		ds_destroy((struct ds *)o);
	else if (o->kind == K_PROCESS)
		process_abandon(o);
}

/* Dataspace */
static int h_ds_map(struct srv_request *req, uint64_t offset, uint32_t rights, struct mica_flexpage *page)
{
	AS(struct ds, K_DS);
	return ds_map(o, offset, rights, DS_AROUND_ORDER, page);   /* the caller's window bounds it */
}
static int h_ds_info(struct srv_request *req, uint64_t *size, uint32_t *rights)
{
	AS(struct ds, K_DS);
	return ds_info(o, size, rights);
}
static int h_ds_clear(struct srv_request *req, uint64_t offset, uint64_t size)
{
	AS(struct ds, K_DS);
	return ds_clear(o, offset, size);
}

static int h_ds_fork(struct srv_request *req, bool shared, mica_cap_t session, mica_cap_t *ds)
{
	AS(struct ds, K_DS);
	struct ds *d;
	struct session *pays;
	if (shared || !ds_forkable(o)) {
		*ds = ds_gate(o);
		return 0;
	}
	if (!(pays = session_of(session)))
		return -MICA_EPERM;   /* a copy is paid by a session the caller holds */
	int err = ds_fork(o, pays, true, &d);
	if (!err) {
		*ds = ds_gate(d);
		srv_made(req, undo_made, d);
	}
	return err;
}

/* Memory */
static int h_mem_alloc(struct srv_request *req, uint64_t size, mica_cap_t *ds)
{
	AS(struct session, K_SESSION);
	struct ds *d;
	int err = session_alloc(o, size, &d);
	if (!err) {
		*ds = ds_gate(d);
		srv_made(req, undo_made, d);
	}
	return err;
}
static int h_mem_alloc_dma(struct srv_request *req, uint64_t size, mica_cap_t *ds, uint64_t *phys)
{
	AS(struct session, K_SESSION);
	struct ds *d;
	int err = session_alloc_dma(o, size, &d, phys);
	if (!err) {
		*ds = ds_gate(d);
		srv_made(req, undo_made, d);
	}
	return err;
}
static int h_mem_stats(struct srv_request *req, uint64_t *quota, uint64_t *used, uint64_t *pool_pages,
		       uint64_t *pool_free)
{
	AS(struct session, K_SESSION);
	return session_stats(o, quota, used, pool_pages, pool_free);
}

/* Rom */
static int h_rom_open(struct srv_request *req, const char *name, mica_cap_t *ds, uint64_t *size)
{
	AS(struct obj, K_ROM);
	return rom_open_file(name, ds, size);
}
static int h_rom_list(struct srv_request *req, uint32_t index, char *name, uint64_t *size)
{
	AS(struct obj, K_ROM);
	return rom_file_at(index, name, size);
}

/* Registry */
static int h_reg_publish(struct srv_request *req, const char *name, mica_cap_t c)
{
	AS(struct obj, K_REGISTRY);
	int err = srv_keep(req, c);   /* -MICA_EINVAL for a void one */
	if (!err && (err = reg_publish(name, c)) != 0)
		mica_slot_drop(c);
	return err;
}
static int h_reg_lookup(struct srv_request *req, const char *name, mica_cap_t *c)
{
	AS(struct obj, K_REGISTRY);
	return reg_lookup(name, c);
}
static int h_reg_entry(struct srv_request *req, uint32_t index, char *name)
{
	AS(struct obj, K_REGISTRY);
	return reg_entry(index, name);
}
static int h_reg_withdraw(struct srv_request *req, const char *name, mica_cap_t owner)
{
	AS(struct obj, K_REGISTRY);
	return reg_withdraw(name, owner);
}

/* A `notify` root keeps to trigger: none, or an irq (a client's gate
 * there would make root call the client: libsys/cap.h). */
static bool irq_or_none(mica_cap_t notify)
{
	return !notify || mica_cap_is_irq(notify);
}

/* srv_keep of each of the n capabilities the request brought (0: none
 * came), until one fails: 0 or its error. */
static int keep_brought(struct srv_request *req, const mica_cap_t *caps, unsigned n)
{
	int err = 0;

	for (unsigned i = 0; i < n && !err; i++)
		if (caps[i])
			err = srv_keep(req, caps[i]);
	return err;
}

/* Launcher */
static int h_spawn(struct srv_request *req, const char *name, const void *args, uint32_t args_len,
		   mica_cap_t out_stream, mica_cap_t in_stream, mica_cap_t notify, uint64_t mem_quota,
		   mica_cap_t *process)
{
	AS(struct obj, K_LAUNCHER);
	struct obj *handle;
	if (!irq_or_none(notify))
		return -MICA_EINVAL;
	int err = keep_brought(req, &notify, 1);
	if (err)
		return err;
	err = launcher_spawn_request(process_of(o), name, args, args_len, out_stream, in_stream, notify, mem_quota,
				     &handle);
	if (err) {
		mica_slot_drop(notify);
		return err;
	}
	*process = handle->gate;
	srv_made(req, undo_made, handle);
	return 0;
}

/* Image: a dataspace started as a program */
static int h_image_start(struct srv_request *req, const char *name, uint64_t size, const void *args,
			 uint32_t args_len, const void *env, uint32_t env_len, mica_cap_t out_stream,
			 mica_cap_t in_stream, mica_cap_t notify, mica_cap_t proc, mica_cap_t payer, uint64_t mem_quota,
			 mica_cap_t *process)
{
	AS(struct ds, K_DS);
	struct obj *handle;
	if (!irq_or_none(notify))
		return -MICA_EINVAL;
	int err = keep_brought(req, &notify, 1);
	if (err)
		return err;
	err = launcher_image_request(o, name, size, args, args_len, env, env_len, out_stream, in_stream, notify,
				     proc, payer, mem_quota, &handle);
	if (err) {
		mica_slot_drop(notify);
		return err;
	}
	*process = handle->gate;
	srv_made(req, undo_made, handle);
	return 0;
}

static int h_start_mapped(struct srv_request *req, const char *name, const void *head, uint32_t head_len,
			  uint64_t file_size, const void *strings, uint32_t strings_len, uint32_t argc,
			  mica_cap_t out_stream, mica_cap_t in_stream, mica_cap_t notify, mica_cap_t proc,
			  mica_cap_t text, mica_cap_t data, mica_cap_t payer, uint64_t mem_quota, mica_cap_t *process,
			  mica_cap_t *task, mica_cap_t *thread)
{
	AS(struct obj, K_LAUNCHER);
	struct obj *handle;
	if (!irq_or_none(notify))
		return -MICA_EINVAL;
	/* notify, text and data: the program's record keeps them. */
	int err = keep_brought(req, (const mica_cap_t[]){ notify, text, data }, 3);
	struct mapped_file file = { head, head_len, file_size, text, data };
	if (!err)
		err = launcher_mapped_request(process_of(o), name, &file, strings, strings_len, argc, out_stream,
					      in_stream, notify, proc, payer, mem_quota, &handle, task, thread);
	if (err) {
		mica_slot_drop(notify);
		mica_slot_drop(text);
		mica_slot_drop(data);
		return err;
	}
	*process = handle->gate;
	srv_made(req, undo_made, handle);
	return 0;
}

static int h_image_copy(struct srv_request *req, uint64_t size, mica_cap_t *image)
{
	AS(struct ds, K_DS);
	struct session *pays = ds_session(o);
	struct ds *d;
	const void *bytes;
	if (!pays)
		return -MICA_EINVAL;
	int err = ds_copy_contiguous(o, size, pays, true, &d, &bytes);
	if (err)
		return err;
	*image = ds_gate(d);
	srv_made(req, undo_made, d);
	return 0;
}

static int h_identify(struct srv_request *req, mica_cap_t launcher, uint64_t *pid)
{
	AS(struct obj, K_LAUNCHER);
	return launcher_identify_request(launcher, pid);
}

static int h_halt(struct srv_request *req)
{
	AS(struct obj, K_LAUNCHER);
	if (!process_may_halt(process_of(o)))
		return -MICA_EPERM;
	root_halting = true;
	return 0;
}

/* Process */
static int h_status(struct srv_request *req, bool *ended, int32_t *status, uint64_t *pid)
{
	AS(struct obj, K_PROCESS);
	return process_status_request(process_of(o), ended, status, pid);
}
static int h_kill(struct srv_request *req)
{
	AS(struct obj, K_PROCESS);
	return process_kill_request(process_of(o));
}
static int h_stop(struct srv_request *req, bool stop)
{
	AS(struct obj, K_PROCESS);
	return process_stop_request(process_of(o), stop);
}

/* Parent and the first pager */
static int h_exit(struct srv_request *req, int32_t status)
{
	AS(struct obj, K_PARENT);
	return parent_exit_request(process_of(o), status);
}
static int h_region(struct srv_request *req, uint32_t index, uint64_t *start, uint64_t *size, uint64_t *offset,
		    uint32_t *rights, mica_cap_t *ds)
{
	AS(struct obj, K_PARENT);
	return parent_region_request(process_of(o), index, start, size, offset, rights, ds);
}
static int h_stray_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access)
{
	AS(struct obj, K_PARENT);
	return parent_stray_fault_request(process_of(o), addr, ip, access);
}
static int h_on_halt(struct srv_request *req, mica_cap_t irq)
{
	AS(struct obj, K_PARENT);
	if (!mica_cap_is_irq(irq))
		return -MICA_EINVAL;   /* a void one too */
	int err = srv_keep(req, irq);
	if (err)
		return err;
	if ((err = parent_on_halt_request(process_of(o), irq)) != 0)
		mica_slot_drop(irq);
	return err;
}
static int fork_common(struct srv_request *req, mica_cap_t notify, mica_cap_t proc, const void *plan,
		       uint32_t plan_len, mica_cap_t text, mica_cap_t data, mica_cap_t *process, mica_cap_t *task,
		       mica_cap_t *thread, uint64_t *pid)
{
	/* Asked by the program itself (its parent or launcher gate), or by
	 * the process server on the Process handle of a program it started. */
	struct obj *o = req->obj, *handle;
	if (o->kind != K_PARENT && o->kind != K_LAUNCHER && o->kind != K_PROCESS)
		return -MICA_ENOSYS;
	if (!irq_or_none(notify))
		return -MICA_EINVAL;
	/* proc: granted to the child, or dropped here (not by the server
	 * loop, which would unmap the empty slot); text and data: the
	 * child's regions' (parent_fork_request keeps what it uses). */
	int err = keep_brought(req, (const mica_cap_t[]){ notify, proc, text, data }, 4);
	if (!err)
		err = parent_fork_request(process_of(o), o->kind == K_PROCESS, notify, proc, plan, plan_len, text, data, &handle, task,
					  thread, pid);
	if (err) {
		mica_slot_drop(notify);
		mica_slot_drop(proc);
		mica_slot_drop(text);
		mica_slot_drop(data);
		return err;
	}
	if (proc)
		mica_slot_free(proc);
	*process = handle->gate;
	srv_made(req, undo_made, handle);
	return 0;
}
static int h_fork(struct srv_request *req, mica_cap_t notify, mica_cap_t proc, const void *plan, uint32_t plan_len,
		  mica_cap_t *process, mica_cap_t *task, mica_cap_t *thread, uint64_t *pid)
{
	return fork_common(req, notify, proc, plan, plan_len, 0, 0, process, task, thread, pid);
}
static int h_fork_mapped(struct srv_request *req, mica_cap_t notify, mica_cap_t proc, const void *plan,
			 uint32_t plan_len, mica_cap_t text, mica_cap_t data, mica_cap_t *process, mica_cap_t *task,
			 mica_cap_t *thread, uint64_t *pid)
{
	if (!text)
		return -MICA_EINVAL;
	return fork_common(req, notify, proc, plan, plan_len, text, data, process, task, thread, pid);
}
static int h_fault(struct srv_request *req, uint64_t addr, uint64_t ip, uint32_t access, struct mica_flexpage *page)
{
	AS(struct obj, K_PARENT);
	return parent_page_fault(process_of(o), addr, ip, access, page);
}
static int h_exception(struct srv_request *req, uint64_t vector, uint64_t error, uint64_t addr, uint64_t utcb,
		       struct user_regs *regs)
{
	AS(struct obj, K_PARENT);
	(void)error;
	(void)addr;
	(void)utcb;
	return parent_exception(process_of(o), vector, regs->rip);
}

/* PciDevice */
static int h_pci_info(struct srv_request *req, uint32_t *id, uint32_t *class_rev, uint32_t *location,
		      uint32_t *irq_line)
{
	AS(struct pcidev, K_PCIDEV);
	return pci_info(o, id, class_rev, location, irq_line);
}
static int h_pci_config_read(struct srv_request *req, uint32_t offset, uint32_t width, uint32_t *value)
{
	AS(struct pcidev, K_PCIDEV);
	return pci_config_read(o, offset, width, value);
}
static int h_pci_config_write(struct srv_request *req, uint32_t offset, uint32_t width, uint32_t value)
{
	AS(struct pcidev, K_PCIDEV);
	return pci_config_write(o, offset, width, value);
}
static int h_pci_bar(struct srv_request *req, uint32_t index, uint64_t *base, uint64_t *size, uint32_t *flags,
		     mica_cap_t *ds)
{
	AS(struct pcidev, K_PCIDEV);
	struct ds *d;
	int err = pci_bar(o, index, base, size, flags, &d);
	if (!err && d) {
		*ds = ds_gate(d);
		srv_made(req, undo_made, d);
	}
	return err;
}
static int h_pci_irq(struct srv_request *req, mica_cap_t irq)
{
	AS(struct pcidev, K_PCIDEV);
	return pci_irq(o, irq);
}

static int h_pci_io_bar(struct srv_request *req, uint32_t index, mica_cap_t task)
{
	AS(struct pcidev, K_PCIDEV);
	return pci_io_bar(o, index, task);
}

/* Stream on the kernel log */
static int h_write(struct srv_request *req, const void *data, uint32_t len, uint32_t *written)
{
	AS(struct obj, K_LOG);
	return log_stream_write(data, len, written);
}
static int h_read(struct srv_request *req, void *data, uint32_t *len)
{
	AS(struct obj, K_LOG);
	(void)data;
	*len = 0;   /* end of input */
	return 0;
}

static const struct dataspace_ops dataspace = { .map = h_ds_map, .info = h_ds_info, .clear = h_ds_clear,
						.duplicate = h_ds_fork };
static const struct memory_ops memory = { .alloc = h_mem_alloc, .alloc_dma = h_mem_alloc_dma, .stats = h_mem_stats };
static const struct rom_ops rom = { .open = h_rom_open, .list = h_rom_list };
static const struct registry_ops registry = { .publish = h_reg_publish, .lookup = h_reg_lookup,
					      .entry = h_reg_entry, .withdraw = h_reg_withdraw };
static const struct launcher_ops launcher = { .spawn = h_spawn, .halt = h_halt, .start_mapped = h_start_mapped,
					       .identify = h_identify };
static const struct image_ops image = { .start = h_image_start, .copy = h_image_copy };
static const struct process_ops process = { .status = h_status, .kill = h_kill, .stop = h_stop };
static const struct parent_ops parent = { .exit = h_exit, .region = h_region, .stray_fault = h_stray_fault,
					  .on_halt = h_on_halt, .fork = h_fork,
					  .fork_mapped = h_fork_mapped };
static const struct pager_ops pager = { .fault = h_fault };
static const struct exception_handler_ops exception_handler = { .exception = h_exception };
static const struct stream_ops stream = { .write = h_write, .read = h_read };
static const struct pci_device_ops pci = { .describe = h_pci_info, .config_read = h_pci_config_read,
					   .config_write = h_pci_config_write, .bar = h_pci_bar, .irq = h_pci_irq,
					   .io_bar = h_pci_io_bar };

const struct root_ops root_ops = {
	.dataspace = &dataspace, .memory = &memory, .rom = &rom, .registry = &registry, .launcher = &launcher,
	.image = &image, .process = &process, .parent = &parent, .pager = &pager,
	.exception_handler = &exception_handler, .stream = &stream, .pci_device = &pci,
};
