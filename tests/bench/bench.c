/*
 * bench.c - the measuring loop shared by every figure (bench.h), the same
 * as tests/bench/linux/bench.c does it on Linux so that the figures compare:
 * 2 untimed warm-up batches, 15 timed ones, the median of their means
 * (rounded), loop overhead included.
 */
#include <libsys/debug.h>
#include <stdarg.h>

#include "bench.h"
#include <common/fmt.h>
#include <common/string.h>

#define BATCHES_MAX 15

static struct {
	unsigned warmup;	/* untimed batches before the timed ones */
	unsigned batches;	/* timed batches, odd: the median is one of them */
	unsigned max_n;		/* operations per batch at most */
} plan = { 2, BATCHES_MAX, ~0u };

static const char *current;	/* the figure being measured */
static int short_run;	/* "short" */
#define ONLY_MAX 8
static const char *only[ONLY_MAX];	/* only=FIGURE's figures (none: all) */
static unsigned nonly;
static int failed;		/* it called bench_fail */

int bench_args(const char *program, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (mica_streq(argv[i], "short")) {
			short_run = 1;
			plan.warmup = 1;
			plan.batches = 3;
			plan.max_n = 10;
		} else if (memcmp(argv[i], "only=", 5) == 0 && nonly < ONLY_MAX) {
			only[nonly++] = argv[i] + 5;
		} else {
			mica_printf("%s: usage: %s [short] [only=FIGURE]...\n", program, program);
			return -1;
		}
	return 0;
}

static void sort(uint64_t *v, unsigned count)
{
	for (unsigned i = 1; i < count; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

uint64_t bench_measure(bench_batch_fn *batch, unsigned n)
{
	uint64_t mean[BATCHES_MAX];

	if (n > plan.max_n)
		n = plan.max_n;
	for (unsigned i = 0; i < plan.warmup && !failed; i++)
		batch(n);
	for (unsigned i = 0; i < plan.batches && !failed; i++)
		mean[i] = (batch(n) + n / 2) / n;
	if (failed)
		return 0;
	sort(mean, plan.batches);
	return mean[plan.batches / 2];
}

uint64_t bench_measure_whole(bench_batch_fn *batch)
{
	uint64_t t[3];
	unsigned runs = short_run ? 1 : 3;

	if (!short_run)
		batch(1);
	for (unsigned i = 0; i < runs && !failed; i++)
		t[i] = batch(1);
	if (failed)
		return 0;
	sort(t, runs);
	return t[runs / 2];
}

void bench_fail(const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	/* One message per figure: a batch that fails fails again and again. */
	if (!failed)
		mica_printf("mica-bench: %s FAILED: %s\n", current, why);
	failed = 1;
}

int bench_run(const char *name, bench_figure_fn *figure)
{
	current = name;
	failed = 0;
	uint64_t value = figure();

	if (!failed)
		mica_printf("mica %s %lu\n", name, (unsigned long)value);
	return failed;
}

/* Whether the figure `name` runs: every one, or those only= named. */
static int wanted(const char *name)
{
	for (unsigned i = 0; i < nonly; i++)
		if (mica_streq(only[i], name))
			return 1;
	return nonly == 0;
}

int bench_run_table(const char *program, const struct bench_figure *figures, unsigned n)
{
	int failures = 0;
	unsigned ran = 0;

	for (unsigned i = 0; i < n; i++)
		if (wanted(figures[i].name)) {
			failures += bench_run(figures[i].name, figures[i].run);
			ran++;
		}
	for (unsigned k = 0; k < nonly; k++) {   /* a misspelt only= is no figure */
		unsigned i = 0;
		while (i < n && !mica_streq(only[k], figures[i].name))
			i++;
		if (i == n) {
			mica_printf("%s: no figure %s\n", program, only[k]);
			failures++;
		}
	}
	mica_printf("%s: done, %u figure(s), %d failed\n", program, ran, failures);
	return failures != 0 || ran == 0;
}
