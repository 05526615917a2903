/*
 * roundtrip_test.c - generated client stubs talking to generated dispatch
 * through the fake transport in one process: every parameter kind of
 * roundtrip.idl in both directions, a composed object answering two
 * protocols, malformed requests and replies, the message decoders and the
 * fuzz drivers.
 */
#include <stdio.h>
#include <string.h>

#include <server/server.h>

#include "fake_transport.h"
#include <idl-tests/roundtrip.h>
#include <idl-tests/roundtrip_server.h>
#include "tap.h"

#define GATE_OBJ 100   /* the object behind the client's slot 1 */
#define GATE 1

/* ---- the test server: handlers that transform what they get --------------- */

struct server {
	int calls;           /* handler invocations */
	uint32_t note;
	mica_cap_t got_cap;
	struct mica_flexpage got_page;
	mica_word_t got_ports;
	int unterminated;    /* shout leaves its out string unterminated */
	char log[512];       /* the last request and reply, decoded */
};

static int bump(struct srv_request *req, int8_t a, int16_t b, int32_t c, int64_t d, uint8_t e, uint16_t g, uint32_t h,
		uint64_t i, bool flag, mica_word_t w, int8_t *a2, int16_t *b2, int32_t *c2, int64_t *d2,
		uint8_t *e2, uint16_t *g2, uint32_t *h2, uint64_t *i2, bool *flag2, mica_word_t *w2)
{
	((struct server *)req->obj)->calls++;
	/* wrap around like the fuzzer's random values need */
	*a2 = (int8_t)(a + 1), *b2 = (int16_t)(b + 1), *c2 = (int32_t)((uint32_t)c + 1);
	*d2 = (int64_t)((uint64_t)d + 1);
	*e2 = (uint8_t)(e + 1), *g2 = (uint16_t)(g + 1), *h2 = h + 1, *i2 = i + 1;
	*flag2 = !flag, *w2 = w + 1;
	return 0;
}

static int32_t add32(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int move(struct srv_request *req, struct box *b, int32_t dx, int32_t dy, uint64_t *area)
{
	((struct server *)req->obj)->calls++;
	b->lo.x = add32(b->lo.x, dx), b->hi.x = add32(b->hi.x, dx);
	b->lo.y = add32(b->lo.y, dy), b->hi.y = add32(b->hi.y, dy);
	b->tag++;
	*area = (uint64_t)((int64_t)b->hi.x - b->lo.x) * (uint64_t)((int64_t)b->hi.y - b->lo.y);
	return 3;   /* a non-negative result travels too */
}

static int seek(struct srv_request *req, offset_t *off, offset_t delta)
{
	((struct server *)req->obj)->calls++;
	*off += delta;
	return 0;
}

static int note(struct srv_request *req, uint32_t value)
{
	((struct server *)req->obj)->calls++;
	((struct server *)req->obj)->note = value;
	return 0;
}

static int fail(struct srv_request *req, int32_t code, uint32_t *never)
{
	((struct server *)req->obj)->calls++;
	*never = 77;
	return code;
}

static int shout(struct srv_request *req, const char *name, char *loud, uint32_t *len)
{
	struct server *s = req->obj;
	size_t n = strlen(name);

	s->calls++;
	for (size_t k = 0; k <= n; k++)
		loud[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
	if (s->unterminated)
		memset(loud, 'X', 33);
	*len = (uint32_t)n;
	return 0;
}

static int reverse(struct srv_request *req, const void *data, uint32_t data_len, void *back, uint32_t *back_len)
{
	((struct server *)req->obj)->calls++;
	if (data_len > *back_len)
		return -MICA_EOVERFLOW;
	for (uint32_t k = 0; k < data_len; k++)
		((char *)back)[k] = ((const char *)data)[data_len - 1 - k];
	*back_len = data_len;
	return 0;
}

static int swap(struct srv_request *req, mica_cap_t give, mica_cap_t *take)
{
	struct server *s = req->obj;

	s->calls++;
	s->got_cap = give;
	fake_set_cap(FAKE_SERVER, 30, 300);
	*take = 30;
	return 0;
}

static int map(struct srv_request *req, struct mica_flexpage page, mica_word_t ports, struct mica_flexpage *back,
	       mica_word_t *ports_back)
{
	struct server *s = req->obj;

	s->calls++;
	s->got_page = page;
	s->got_ports = ports;
	back->fpage = mica_fpage(0x200000, 21, MICA_R);
	back->send_base = 0x400000;
	*ports_back = mica_io_fpage(0x60, 2);
	return 0;
}

static int mix(struct srv_request *req, const char *a, const void *b, uint32_t b_len, mica_cap_t c, char *x, void *y,
	       uint32_t *y_len, mica_cap_t *z)
{
	struct server *s = req->obj;

	s->calls++;
	snprintf(x, 17, "%s!", a);
	memcpy(y, b, b_len < *y_len ? b_len : *y_len);
	*y_len = b_len < *y_len ? b_len : *y_len;
	*z = c;   /* hand the capability straight back */
	return 0;
}

static const struct values_ops values_ops = { bump, move, seek, note, fail };
static const struct items_ops items_ops = { shout, reverse, swap, map, mix };
static const struct both_ops both_ops = { &values_ops, &items_ops };

static struct server server;
static struct both_rx rx;
static struct both_reply_buffers reply_buffers;

static void prepare(void *ctx, struct mica_utcb *u)
{
	(void)ctx;
	rx.slots[0] = 20;
	rx.window = mica_fpage(0, 47, MICA_RWX);
	both_rx_setup(u, &rx);
}

/* Serve like a server loop would, logging each request and reply as text. */
static int serve(void *ctx, struct mica_utcb *u, mica_word_t tag, mica_word_t *reply)
{
	struct server *s = ctx;
	mica_word_t opcode = u->mr[0];
	size_t n = both_format_request(s->log, sizeof s->log, tag, u->mr);
	int replies = both_dispatch(&both_ops, &(struct srv_request){ .obj = s }, u, tag, &reply_buffers, reply);

	if (replies && n + 4 < sizeof s->log) {
		strcat(s->log, " / ");
		both_format_reply(s->log + n + 3, sizeof s->log - n - 3, mica_tag_label(tag), opcode, *reply, u->mr);
	}
	return replies;
}

/* A broken server: answers every call with a reply of the wrong shape. */
static int serve_badly(void *ctx, struct mica_utcb *u, mica_word_t tag, mica_word_t *reply)
{
	(void)ctx, (void)tag;
	u->mr[0] = 1ull << 40;
	*reply = mica_tag(0, 1, 0, 0);
	return 1;
}

static void setup(void)
{
	fake_reset();
	memset(&server, 0, sizeof server);
	fake_set_cap(FAKE_CLIENT, GATE, GATE_OBJ);
	fake_bind(GATE_OBJ, prepare, serve, &server);
}

/* Send a hand-made request; returns the reply label. */
static mica_sword_t raw_call(mica_sword_t label, unsigned words, unsigned items)
{
	mica_word_t reply = 0;
	int err = mica_ipc_call(GATE, mica_tag(label, words, items, 0), &reply);

	return err ? -1000 - err : mica_tag_label(reply);
}

/* ---- values -------------------------------------------------------------------- */

static void values_round_trip_every_integer_width(void)
{
	int8_t a; int16_t b; int32_t c; int64_t d; uint8_t e; uint16_t g; uint32_t h; uint64_t i;
	bool flag; mica_word_t w;

	setup();
	CHECK_EQ(values_bump(GATE, -128, -32768, -5, INT64_MIN, 254, 65534, 0xfffffffe, UINT64_MAX - 1, true, 41,
			     &a, &b, &c, &d, &e, &g, &h, &i, &flag, &w), 0);
	CHECK_EQ(a, -127);
	CHECK_EQ(b, -32767);
	CHECK_EQ(c, -4);
	CHECK(d == INT64_MIN + 1);
	CHECK_EQ(e, 255);
	CHECK_EQ(g, 65535);
	CHECK(h == 0xffffffffu);
	CHECK(i == UINT64_MAX);
	CHECK_EQ(flag, false);
	CHECK_EQ(w, 42);
	CHECK_EQ(server.calls, 1);
}

static void values_struct_inout_round_trips_nested_fields(void)
{
	struct box bx = { { -1, -2 }, { 3, 4 }, 9 };
	uint64_t area = 0;

	setup();
	CHECK_EQ(values_move(GATE, &bx, 10, -20, &area), 3);
	CHECK_EQ(bx.lo.x, 9);
	CHECK_EQ(bx.lo.y, -22);
	CHECK_EQ(bx.hi.x, 13);
	CHECK_EQ(bx.hi.y, -16);
	CHECK_EQ(bx.tag, 10);
	CHECK_EQ(area, 24);
}

static void values_typedef_inout_round_trips(void)
{
	offset_t off = 4096;

	setup();
	CHECK_EQ(values_seek(GATE, &off, 512), 0);
	CHECK_EQ(off, 4608);
}

static void values_oneway_reaches_handler_without_reply(void)
{
	setup();
	CHECK_EQ(values_note(GATE, 1234), 0);
	CHECK_EQ(server.note, 1234);
	CHECK_EQ(server.calls, 1);
}

static void values_handler_error_leaves_out_params_alone(void)
{
	uint32_t never = 5;

	setup();
	CHECK_EQ(values_fail(GATE, -MICA_EPERM, &never), -MICA_EPERM);
	CHECK_EQ(never, 5);
}

/* ---- items --------------------------------------------------------------------- */

static void items_string_round_trips_both_ways(void)
{
	char loud[33];
	uint32_t len = 0;

	setup();
	CHECK_EQ(items_shout(GATE, "hello, idl", loud, &len), 0);
	CHECK(strcmp(loud, "HELLO, IDL") == 0);
	CHECK_EQ(len, 10);
}

static void items_string_over_bound_refused_by_stub(void)
{
	char loud[33];
	uint32_t len = 0;

	setup();
	CHECK_EQ(items_shout(GATE, "0123456789abcdef0123456789abcdefX", loud, &len), -MICA_EINVAL);
	CHECK_EQ(server.calls, 0);
}

/* The header names each string's and buffer's bound; a string of exactly
 * that many bytes goes through, one more is refused. */
static void items_bound_constants_are_the_limits_stubs_enforce(void)
{
	char name[ITEMS_SHOUT_NAME_MAX + 2], loud[ITEMS_SHOUT_LOUD_MAX + 1];
	uint32_t len = 0;

	CHECK_EQ(ITEMS_SHOUT_NAME_MAX, 32);
	CHECK_EQ(ITEMS_REVERSE_DATA_MAX, 64);
	CHECK_EQ(ITEMS_REVERSE_BACK_MAX, 64);
	CHECK_EQ(ITEMS_MIX_A_MAX, 16);
	CHECK_EQ(ITEMS_MIX_Y_MAX, 8);
	memset(name, 'a', ITEMS_SHOUT_NAME_MAX);
	name[ITEMS_SHOUT_NAME_MAX] = 0;
	setup();
	CHECK_EQ(items_shout(GATE, name, loud, &len), 0);
	CHECK_EQ(len, ITEMS_SHOUT_NAME_MAX);
	name[ITEMS_SHOUT_NAME_MAX] = 'a';
	name[ITEMS_SHOUT_NAME_MAX + 1] = 0;
	CHECK_EQ(items_shout(GATE, name, loud, &len), -MICA_EINVAL);
}

static void items_unterminated_out_string_is_overflow(void)
{
	char loud[33];
	uint32_t len = 0;

	setup();
	server.unterminated = 1;
	CHECK_EQ(items_shout(GATE, "abc", loud, &len), -MICA_EOVERFLOW);
}

static void items_buffer_round_trips_both_ways(void)
{
	char back[64];
	uint32_t back_len = sizeof back;

	setup();
	CHECK_EQ(items_reverse(GATE, "abcdef", 6, back, &back_len), 0);
	CHECK_EQ(back_len, 6);
	CHECK(memcmp(back, "fedcba", 6) == 0);
}

static void items_buffer_room_reaches_handler(void)
{
	char back[64];
	uint32_t back_len = 4;

	setup();
	CHECK_EQ(items_reverse(GATE, "abcdef", 6, back, &back_len), -MICA_EOVERFLOW);
	CHECK_EQ(back_len, 4);
}

static void items_capability_round_trips_into_declared_slots(void)
{
	mica_cap_t take = 9;

	setup();
	fake_set_cap(FAKE_CLIENT, 5, 77);
	CHECK_EQ(items_swap(GATE, 5, &take), 0);
	CHECK_EQ(server.got_cap, 20);   /* the server's first receive slot */
	CHECK_EQ(fake_cap(FAKE_SERVER, 20), 77);
	CHECK_EQ(take, 9);              /* the slot the client offered */
	CHECK_EQ(fake_cap(FAKE_CLIENT, 9), 300);
}

static void items_empty_capability_arrives_as_null(void)
{
	mica_cap_t take = 9;

	setup();
	CHECK_EQ(items_swap(GATE, 6, &take), 0);   /* slot 6 is empty */
	CHECK_EQ(server.got_cap, MICA_CAP_NULL);
}

static void items_flexpages_pass_both_ways(void)
{
	struct mica_flexpage page = { mica_fpage(0x40000, 12, MICA_R | MICA_W), 0x1000 };
	struct mica_flexpage back = { mica_fpage(0, 47, MICA_RWX), 0 };
	mica_word_t ports_back = 0;

	setup();
	CHECK_EQ(items_map(GATE, page, mica_io_fpage(0x3f8, 3), &back, &ports_back), 0);
	CHECK(server.got_page.fpage == page.fpage);
	CHECK_EQ(server.got_page.send_base, 0x1000);
	CHECK_EQ(mica_io_fpage_port(server.got_ports), 0x3f8);
	CHECK(back.fpage == mica_fpage(0x200000, 21, MICA_R));
	CHECK_EQ(back.send_base, 0x400000);
	CHECK_EQ(mica_io_fpage_port(ports_back), 0x60);
}

static void items_stub_opens_no_window_unless_it_receives_a_page(void)
{
	struct mica_flexpage back = { mica_fpage(0, 47, MICA_RWX), 0 };
	mica_word_t ports_back;
	offset_t off = 0;

	setup();
	items_map(GATE, back, 0, &back, &ports_back);
	CHECK(fake_utcb(FAKE_CLIENT)->br[MICA_BR_WINDOW] != 0);
	values_seek(GATE, &off, 1);
	CHECK_EQ(fake_utcb(FAKE_CLIENT)->br[MICA_BR_WINDOW], 0);
}

static void items_mixed_items_round_trip_in_order(void)
{
	char x[17];
	char y[8];
	uint32_t y_len = sizeof y;
	mica_cap_t z = 11;

	setup();
	fake_set_cap(FAKE_CLIENT, 5, 55);
	CHECK_EQ(items_mix(GATE, "left", "right", 5, 5, x, y, &y_len, &z), 0);
	CHECK(strcmp(x, "left!") == 0);
	CHECK_EQ(y_len, 5);
	CHECK(memcmp(y, "right", 5) == 0);
	CHECK_EQ(z, 11);
	CHECK_EQ(fake_cap(FAKE_CLIENT, 11), 55);
}

/* ---- dispatch refuses what it cannot decode --------------------------------------- */

static void dispatch_unknown_opcode_is_enosys(void)
{
	setup();
	fake_utcb(FAKE_CLIENT)->mr[0] = 99;
	CHECK_EQ(raw_call(VALUES_PROTOCOL, 1, 0), -MICA_ENOSYS);
	CHECK_EQ(server.calls, 0);
}

static void dispatch_unknown_protocol_is_enosys(void)
{
	setup();
	fake_utcb(FAKE_CLIENT)->mr[0] = VALUES_SEEK_OPCODE;
	CHECK_EQ(raw_call(0x999, 3, 0), -MICA_ENOSYS);
	CHECK_EQ(server.calls, 0);
}

static void dispatch_wrong_word_count_is_emsg(void)
{
	setup();
	fake_utcb(FAKE_CLIENT)->mr[0] = VALUES_SEEK_OPCODE;
	CHECK_EQ(raw_call(VALUES_PROTOCOL, 2, 0), -MICA_EMSG);
	CHECK_EQ(raw_call(VALUES_PROTOCOL, 4, 0), -MICA_EMSG);
	CHECK_EQ(raw_call(VALUES_PROTOCOL, 0, 0), -MICA_EMSG);
	CHECK_EQ(server.calls, 0);
}

static void dispatch_value_out_of_range_is_emsg(void)
{
	struct mica_utcb *u = fake_utcb(FAKE_CLIENT);

	setup();
	u->mr[0] = VALUES_NOTE_OPCODE;
	u->mr[1] = 1ull << 32;   /* does not fit uint32 */
	CHECK_EQ(mica_ipc_send(GATE, mica_tag(VALUES_PROTOCOL, 2, 0, 0)), 0);
	CHECK_EQ(server.calls, 0);
	u->mr[0] = VALUES_FAIL_OPCODE;
	u->mr[1] = 0x80000000ull;   /* positive, too large for int32 */
	CHECK_EQ(raw_call(VALUES_PROTOCOL, 2, 0), -MICA_EMSG);
	CHECK_EQ(server.calls, 0);
}

static void dispatch_wrong_item_type_is_emsg(void)
{
	struct mica_utcb *u = fake_utcb(FAKE_CLIENT);

	setup();
	u->mr[0] = ITEMS_SWAP_OPCODE;
	u->mr[1] = mica_item_io();
	u->mr[2] = 0;
	CHECK_EQ(raw_call(ITEMS_PROTOCOL, 1, 1), -MICA_EMSG);
	CHECK_EQ(server.calls, 0);
}

static void dispatch_string_over_parameter_bound_is_emsg(void)
{
	static const char text[40] = "a string longer than shout's 32 bytes";
	struct mica_utcb *u = fake_utcb(FAKE_CLIENT);

	setup();
	u->mr[0] = ITEMS_SHOUT_OPCODE;
	u->mr[1] = mica_item_string(33);   /* fits the server's buffer, not the parameter */
	u->mr[2] = (mica_word_t)(uintptr_t)text;
	u->br[MICA_BR_DESC] = mica_br_desc(0, 0, 0);
	CHECK_EQ(raw_call(ITEMS_PROTOCOL, 1, 1), -MICA_EMSG);
	CHECK_EQ(server.calls, 0);
}

/* The fake kernel refuses what the real one would, before the server runs. */
static void transport_string_over_server_buffer_is_eoverflow(void)
{
	static const char text[80];
	struct mica_utcb *u = fake_utcb(FAKE_CLIENT);

	setup();
	u->mr[0] = ITEMS_SHOUT_OPCODE;
	u->mr[1] = mica_item_string(sizeof rx.string0);   /* one more than declared */
	u->mr[2] = (mica_word_t)(uintptr_t)text;
	CHECK_EQ(raw_call(ITEMS_PROTOCOL, 1, 1), -1000 - MICA_EOVERFLOW);
	CHECK_EQ(server.calls, 0);
}

static void transport_item_without_buffer_is_enobuf(void)
{
	struct mica_utcb *u = fake_utcb(FAKE_CLIENT);

	setup();
	u->mr[0] = ITEMS_SWAP_OPCODE;
	for (int k = 0; k < 2; k++) {   /* the server declares one slot */
		u->mr[1 + 2 * k] = mica_item_cap(MICA_R, 0);
		u->mr[2 + 2 * k] = GATE;
	}
	CHECK_EQ(raw_call(ITEMS_PROTOCOL, 1, 2), -1000 - MICA_ENOBUF);
	CHECK_EQ(server.calls, 0);
}

static void transport_message_over_mrs_is_e2big(void)
{
	setup();
	CHECK_EQ(raw_call(VALUES_PROTOCOL, 60, 3), -1000 - MICA_E2BIG);
	CHECK_EQ(server.calls, 0);
}

static void dispatch_missing_handler_is_enosys(void)
{
	static const struct values_ops none = { 0 };
	struct mica_utcb u = { 0 };
	mica_word_t reply;

	u.mr[0] = VALUES_SEEK_OPCODE;
	struct srv_request req = { .obj = &server };
	CHECK_EQ(values_dispatch(&none, &req, &u, mica_tag(VALUES_PROTOCOL, 3, 0, 0), &reply_buffers.values, &reply),
		 1);
	CHECK_EQ(mica_tag_label(reply), -MICA_ENOSYS);
}

static void client_rejects_reply_of_wrong_shape(void)
{
	offset_t off = 1;
	uint32_t never = 3;
	char loud[33];
	uint32_t len = 9;

	fake_reset();
	fake_set_cap(FAKE_CLIENT, GATE, GATE_OBJ);
	fake_bind(GATE_OBJ, prepare, serve_badly, NULL);
	CHECK_EQ(values_seek(GATE, &off, 2), 0);   /* one uint64 word: what seek expects */
	CHECK(off == 1ull << 40);
	CHECK_EQ(values_fail(GATE, 0, &never), -MICA_EMSG);   /* the word does not fit uint32 */
	CHECK_EQ(never, 3);
	CHECK_EQ(items_shout(GATE, "x", loud, &len), -MICA_EMSG);   /* an item is missing */
	CHECK_EQ(len, 9);
}

static void client_transport_error_is_returned_negated(void)
{
	offset_t off = 1;

	setup();
	CHECK_EQ(values_seek(7, &off, 2), -MICA_EBADCAP);   /* slot 7 holds nothing */
}

/* ---- decoders -------------------------------------------------------------------- */

static void trace_prints_request_and_reply(void)
{
	offset_t off = 4096;

	setup();
	values_seek(GATE, &off, 512);
	CHECK(strcmp(server.log, "Values.seek(off=4096, delta=512) / Values.seek -> 0 (off=4608)") == 0);
	printf("# %s\n", server.log);
}

static void trace_prints_items_and_errors(void)
{
	char back[64];
	uint32_t back_len = 2;

	setup();
	items_reverse(GATE, "abcdef", 6, back, &back_len);
	CHECK(strcmp(server.log, "Items.reverse(data=<6 bytes>, back=<room 2>) / Items.reverse -> -EOVERFLOW") == 0);
	printf("# %s\n", server.log);
}

static void trace_prints_signed_values_and_structs(void)
{
	struct box bx = { { -1, -2 }, { 3, 4 }, 9 };
	uint64_t area;

	setup();
	values_move(GATE, &bx, 1, 1, &area);
	CHECK(strncmp(server.log, "Values.move(b.lo.x=-1, b.lo.y=-2, b.hi.x=3, b.hi.y=4, b.tag=9, dx=1, dy=1)", 74) == 0);
	printf("# %s\n", server.log);
}

static void trace_marks_malformed_message(void)
{
	char buf[128];
	mica_word_t mr[2] = { VALUES_SEEK_OPCODE, 5 };

	values_format_request(buf, sizeof buf, mica_tag(VALUES_PROTOCOL, 2, 0, 0), mr);
	CHECK(strcmp(buf, "Values.seek(<malformed: 0x7 0x5 / 0 items>)") == 0);
	printf("# %s\n", buf);
}

static void trace_truncates_like_snprintf(void)
{
	char buf[8];
	mica_word_t mr[3] = { VALUES_SEEK_OPCODE, 1, 2 };
	size_t n = values_format_request(buf, sizeof buf, mica_tag(VALUES_PROTOCOL, 3, 0, 0), mr);

	CHECK_EQ(n, strlen("Values.seek(off=1, delta=2)"));
	CHECK(strcmp(buf, "Values.") == 0);
}

/* ---- fuzz drivers ------------------------------------------------------------------ */

static void fuzz_values_gets_only_proper_replies(void)
{
	setup();
	CHECK_EQ(values_fuzz(GATE, 1, 300), 0);
	CHECK(server.calls > 100);   /* the well-formed half reached the handlers */
}

static void fuzz_items_gets_only_proper_replies(void)
{
	setup();
	CHECK_EQ(items_fuzz(GATE, 2, 300), 0);
	CHECK(server.calls > 100);
}

static void fuzz_composed_object_gets_only_proper_replies(void)
{
	setup();
	CHECK_EQ(both_fuzz(GATE, 3, 100), 0);
}

static void fuzz_detects_a_broken_server(void)
{
	fake_reset();
	fake_set_cap(FAKE_CLIENT, GATE, GATE_OBJ);
	fake_bind(GATE_OBJ, prepare, serve_badly, NULL);
	CHECK(items_fuzz(GATE, 4, 20) > 0);
}

static const struct tap_case cases[] = {
	TAP_CASE(values_round_trip_every_integer_width),
	TAP_CASE(values_struct_inout_round_trips_nested_fields),
	TAP_CASE(values_typedef_inout_round_trips),
	TAP_CASE(values_oneway_reaches_handler_without_reply),
	TAP_CASE(values_handler_error_leaves_out_params_alone),
	TAP_CASE(items_string_round_trips_both_ways),
	TAP_CASE(items_string_over_bound_refused_by_stub),
	TAP_CASE(items_bound_constants_are_the_limits_stubs_enforce),
	TAP_CASE(items_unterminated_out_string_is_overflow),
	TAP_CASE(items_buffer_round_trips_both_ways),
	TAP_CASE(items_buffer_room_reaches_handler),
	TAP_CASE(items_capability_round_trips_into_declared_slots),
	TAP_CASE(items_empty_capability_arrives_as_null),
	TAP_CASE(items_flexpages_pass_both_ways),
	TAP_CASE(items_stub_opens_no_window_unless_it_receives_a_page),
	TAP_CASE(items_mixed_items_round_trip_in_order),
	TAP_CASE(dispatch_unknown_opcode_is_enosys),
	TAP_CASE(dispatch_unknown_protocol_is_enosys),
	TAP_CASE(dispatch_wrong_word_count_is_emsg),
	TAP_CASE(dispatch_value_out_of_range_is_emsg),
	TAP_CASE(dispatch_wrong_item_type_is_emsg),
	TAP_CASE(dispatch_string_over_parameter_bound_is_emsg),
	TAP_CASE(transport_string_over_server_buffer_is_eoverflow),
	TAP_CASE(transport_item_without_buffer_is_enobuf),
	TAP_CASE(transport_message_over_mrs_is_e2big),
	TAP_CASE(dispatch_missing_handler_is_enosys),
	TAP_CASE(client_rejects_reply_of_wrong_shape),
	TAP_CASE(client_transport_error_is_returned_negated),
	TAP_CASE(trace_prints_request_and_reply),
	TAP_CASE(trace_prints_items_and_errors),
	TAP_CASE(trace_prints_signed_values_and_structs),
	TAP_CASE(trace_marks_malformed_message),
	TAP_CASE(trace_truncates_like_snprintf),
	TAP_CASE(fuzz_values_gets_only_proper_replies),
	TAP_CASE(fuzz_items_gets_only_proper_replies),
	TAP_CASE(fuzz_composed_object_gets_only_proper_replies),
	TAP_CASE(fuzz_detects_a_broken_server),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}
