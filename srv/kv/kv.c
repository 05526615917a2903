/*
 * kv.c - the key-value server (idl/rt/kv.idl, docs/server.md): a table of
 * named numbers that every client shares.  It is the smallest real server
 * and the one to copy: handlers that know nothing of messages, one table
 * of them, and the server loop of lib/server on the main thread, which
 * root gave a gate (`serve`, published under the name boot.cfg's
 * `provide` says).  The generated dispatch refuses what does not decode
 * (an unknown opcode: MICA_ENOSYS; a key over 31 bytes: MICA_EMSG) before
 * a handler runs.
 */
#include <libsys/debug.h>
#include <libsys/error.h>
#include <common/string.h>
#include <mica/error.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/rt/kv_server.h>

#define KV_ENTRIES 64
#define KV_KEY_MAX 31   /* Kv's string<31> */

struct kv_entry {
	char key[KV_KEY_MAX + 1];   /* "" : free */
	uint64_t value;
};

struct kv_table {
	struct kv_entry entries[KV_ENTRIES];
};

static struct kv_entry *find(struct kv_table *t, const char *key)
{
	for (unsigned i = 0; i < KV_ENTRIES; i++)
		if (t->entries[i].key[0] && mica_streq(t->entries[i].key, key))
			return &t->entries[i];
	return 0;
}

static int on_put(struct srv_request *req, const char *key, uint64_t value)
{
	struct kv_table *t = req->srv->state;
	struct kv_entry *e = find(t, key);

	if (!key[0])
		return -MICA_EINVAL;
	for (unsigned i = 0; !e && i < KV_ENTRIES; i++)
		if (!t->entries[i].key[0])
			e = &t->entries[i];
	if (!e)
		return -MICA_ENOMEM;
	mica_strlcpy(e->key, key, sizeof e->key);
	e->value = value;
	return 0;
}

static int on_get(struct srv_request *req, const char *key, uint64_t *value)
{
	struct kv_entry *e = find(req->srv->state, key);

	if (!e)
		return -MICA_ENOENT;
	*value = e->value;
	return 0;
}

static int on_remove(struct srv_request *req, const char *key)
{
	struct kv_entry *e = find(req->srv->state, key);

	if (!e)
		return -MICA_ENOENT;
	e->key[0] = 0;
	return 0;
}

static const struct kv_ops ops = { .put = on_put, .get = on_get, .remove = on_remove };

int main(void)
{
	static struct kv_table table;
	static struct kv_buffers buffers;
	const struct srv s = { .protocol = &kv_server, .ops = &ops, .state = &table };

	if (!rt_cap("serve")) {
		mica_printf("kv: no gate to serve (boot.cfg: provide NAME)\n");
		return 1;
	}
	int err = srv_serve(&s, &buffers);
	mica_printf("kv: %s\n", mica_strerror(-err));
	return 1;
}
