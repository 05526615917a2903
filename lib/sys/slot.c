/*
 * slot.c - the task's free capability slots (libsys/slot.h): a bitmap of
 * the kernel's MICA_CAP_SLOTS slots, set bit = in use, claimed with an atomic
 * compare-and-swap so that threads may allocate at once.
 */
#include <libsys/slot.h>

#define SLOTS MICA_CAP_SLOTS
#define WORD_BITS 64

static unsigned long used[SLOTS / WORD_BITS] = { 1 };   /* slot 0 is never a capability */

static int claim(mica_cap_t slot)
{
	unsigned long *w = &used[slot / WORD_BITS], bit = 1ul << (slot % WORD_BITS);
	unsigned long old = __atomic_load_n(w, __ATOMIC_RELAXED);

	while (!(old & bit))
		if (__atomic_compare_exchange_n(w, &old, old | bit, 1, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return 1;
	return 0;
}

void mica_slot_init(mica_cap_t first)
{
	for (mica_cap_t s = 0; s < first && s < SLOTS; s++)
		claim(s);
}

void mica_slot_take(mica_cap_t slot)
{
	if (slot < SLOTS)
		claim(slot);
}

mica_cap_t mica_slot_alloc(void)
{
	for (unsigned i = 0; i < SLOTS / WORD_BITS; i++) {
		unsigned long w;
		while ((w = __atomic_load_n(&used[i], __ATOMIC_RELAXED)) != ~0ul) {
			mica_cap_t s = (mica_cap_t)i * WORD_BITS + (mica_cap_t)__builtin_ctzl(~w);
			if (claim(s))
				return s;
		}
	}
	return MICA_CAP_NULL;
}

void mica_slot_free(mica_cap_t slot)
{
	if (slot != MICA_CAP_NULL && slot < SLOTS)
		__atomic_and_fetch(&used[slot / WORD_BITS], ~(1ul << (slot % WORD_BITS)), __ATOMIC_RELEASE);
}

mica_cap_t mica_slot_next_in_use(mica_cap_t from)
{
	for (mica_cap_t s = from; s < SLOTS; s = (s / WORD_BITS + 1) * WORD_BITS) {
		unsigned long w = __atomic_load_n(&used[s / WORD_BITS], __ATOMIC_RELAXED) >> (s % WORD_BITS);
		if (w)
			return s + (mica_cap_t)__builtin_ctzl(w);
	}
	return SLOTS;
}
