/*
 * spin.c - runs for a fixed number of timer ticks, watching the KIP clock
 * advance: proves the timer interrupts ring-3 code and the kernel returns
 * to it with its registers (and SSE state) intact.
 */
#include <libsys/debug.h>
#include <mica/kip.h>

int main(void)
{
	const struct mica_kip *kip = (const struct mica_kip *)MICA_KIP_ADDR;
	uint64_t start = kip->clock_us;
	volatile double acc = 0;
	unsigned long loops = 0;

	while (kip->clock_us < start + 20000) {   /* 20 ms: about 20 ticks */
		acc += 0.5;
		loops++;
	}
	mica_printf("%s 1 - KIP clock advanced while spinning (%lu us)\n",
		    kip->clock_us >= start + 20000 ? "ok" : "not ok", (unsigned long)(kip->clock_us - start));
	mica_printf("%s 2 - SSE state kept across interrupts (%lu loops)\n",
		    acc == 0.5 * (double)loops ? "ok" : "not ok", loops);
	mica_printf("1..2\n");
	return 0;
}
