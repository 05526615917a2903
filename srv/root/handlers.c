/*
 * handlers.c - root's protocol handlers: each checks that the gate's
 * object is of its kind (MICA_ENOSYS otherwise, as for a protocol the
 * object does not speak) and hands over to the object's own code.
 */
#include "root.h"

#include <libsys/ipc.h>
#include <mica/error.h>

#include "root_server.h"

#define AS(type, k) if (((struct obj *)obj)->kind != (k)) return -MICA_ENOSYS; type *o = obj; (void)o

/* Dataspace */
static int h_ds_map(void *obj, uint64_t offset, uint32_t rights, struct mica_flexpage *page)
{
	AS(struct ds, K_DS);
	return ds_map(o, offset, rights, page);
}
static int h_ds_info(void *obj, uint64_t *size, uint32_t *rights)
{
	AS(struct ds, K_DS);
	return ds_info(o, size, rights);
}
static int h_ds_clear(void *obj, uint64_t offset, uint64_t size)
{
	AS(struct ds, K_DS);
	return ds_clear(o, offset, size);
}

/* Memory */
static int h_mem_alloc(void *obj, uint64_t size, mica_cap_t *ds)
{
	AS(struct session, K_SESSION);
	return session_alloc(o, size, ds);
}
static int h_mem_stats(void *obj, uint64_t *quota, uint64_t *used, uint64_t *pool_pages, uint64_t *pool_free)
{
	AS(struct session, K_SESSION);
	return session_stats(o, quota, used, pool_pages, pool_free);
}

/* Rom */
static int h_rom_open(void *obj, const char *name, mica_cap_t *ds, uint64_t *size)
{
	AS(struct obj, K_ROM);
	return rom_open_file(name, ds, size);
}
static int h_rom_list(void *obj, uint32_t index, char *name, uint64_t *size)
{
	AS(struct obj, K_ROM);
	return rom_file_at(index, name, size);
}

/* Registry */
static int h_reg_publish(void *obj, const char *name, mica_cap_t c)
{
	AS(struct obj, K_REGISTRY);
	int err = reg_publish(name, c);
	if (!err)
		rx_keep(c);
	return err;
}
static int h_reg_lookup(void *obj, const char *name, mica_cap_t *c)
{
	AS(struct obj, K_REGISTRY);
	return reg_lookup(name, c);
}
static int h_reg_entry(void *obj, uint32_t index, char *name)
{
	AS(struct obj, K_REGISTRY);
	return reg_entry(index, name);
}
static int h_reg_withdraw(void *obj, const char *name)
{
	AS(struct obj, K_REGISTRY);
	return reg_withdraw(name);
}

/* Launcher */
static int h_spawn(void *obj, const char *name, const void *args, uint32_t args_len, mica_cap_t out_stream,
		   mica_cap_t in_stream, mica_cap_t notify, uint64_t mem_quota, mica_cap_t *process)
{
	AS(struct obj, K_LAUNCHER);
	int err = launcher_spawn_request(process_of(o), name, args, args_len, out_stream, in_stream, notify, mem_quota,
					 process);
	if (!err && notify)
		rx_keep(notify);
	return err;
}
static int h_halt(void *obj)
{
	AS(struct obj, K_LAUNCHER);
	if (!process_may_halt(process_of(o)))
		return -MICA_EPERM;
	root_halting = true;
	return 0;
}

/* Process */
static int h_status(void *obj, bool *ended, int32_t *status, uint64_t *pid)
{
	AS(struct obj, K_PROCESS);
	return process_status_request(process_of(o), ended, status, pid);
}
static int h_kill(void *obj)
{
	AS(struct obj, K_PROCESS);
	return process_kill_request(process_of(o));
}

/* Parent and the first pager */
static int h_exit(void *obj, int32_t status)
{
	AS(struct obj, K_PARENT);
	return parent_exit_request(process_of(o), status);
}
static int h_region(void *obj, uint32_t index, uint64_t *start, uint64_t *size, uint64_t *offset, uint32_t *rights,
		    mica_cap_t *ds)
{
	AS(struct obj, K_PARENT);
	return parent_region_request(process_of(o), index, start, size, offset, rights, ds);
}
static int h_stray_fault(void *obj, uint64_t addr, uint64_t ip, uint32_t access)
{
	AS(struct obj, K_PARENT);
	return parent_stray_fault_request(process_of(o), addr, ip, access);
}
static int h_fault(void *obj, uint64_t addr, uint64_t ip, uint32_t access, struct mica_flexpage *page)
{
	AS(struct obj, K_PARENT);
	return parent_page_fault(process_of(o), addr, ip, access, page);
}

/* Stream on the kernel log */
static int h_write(void *obj, const void *data, uint32_t len, uint32_t *written)
{
	AS(struct obj, K_LOG);
	return log_stream_write(data, len, written);
}
static int h_read(void *obj, void *data, uint32_t *len)
{
	AS(struct obj, K_LOG);
	(void)data;
	*len = 0;   /* end of input */
	return 0;
}

static const struct dataspace_ops dataspace = { .map = h_ds_map, .info = h_ds_info, .clear = h_ds_clear };
static const struct memory_ops memory = { .alloc = h_mem_alloc, .stats = h_mem_stats };
static const struct rom_ops rom = { .open = h_rom_open, .list = h_rom_list };
static const struct registry_ops registry = { .publish = h_reg_publish, .lookup = h_reg_lookup,
					      .entry = h_reg_entry, .withdraw = h_reg_withdraw };
static const struct launcher_ops launcher = { .spawn = h_spawn, .halt = h_halt };
static const struct process_ops process = { .status = h_status, .kill = h_kill };
static const struct parent_ops parent = { .exit = h_exit, .region = h_region, .stray_fault = h_stray_fault };
static const struct pager_ops pager = { .fault = h_fault };
static const struct stream_ops stream = { .write = h_write, .read = h_read };

const struct root_ops root_ops = {
	.dataspace = &dataspace, .memory = &memory, .rom = &rom, .registry = &registry, .launcher = &launcher,
	.process = &process, .parent = &parent, .pager = &pager, .stream = &stream,
};
