/*
 * rtc.c - the wall clock at boot, from the PC's CMOS real-time clock
 * (ports 0x70/0x71).  The kernel reads it once, while it builds the KIP:
 * the ports are the kernel's (no user task has I/O port access to them), and
 * every task then has the time of day from the KIP with no IPC
 * (CLOCK_REALTIME = rtc_at_boot + clock_us, lib/libc/time.c).  The RTC
 * counts whole seconds, in BCD or binary, 12- or 24-hour, as status
 * register B says; it is read until two reads agree, so that an update in
 * the middle does not tear it.
 */
#include "arch.h"
#include "cpu.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_OFF 0x80      /* keep NMIs masked while the index is set */

enum { RTC_SEC = 0x00, RTC_MIN = 0x02, RTC_HOUR = 0x04, RTC_DAY = 0x07, RTC_MONTH = 0x08,
       RTC_YEAR = 0x09, RTC_STATUS_A = 0x0a, RTC_STATUS_B = 0x0b, RTC_CENTURY = 0x32 };

#define RTC_A_UPDATING 0x80
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04
#define RTC_HOUR_PM 0x80
#define RTC_READ_TRIES 1000000 /* an update takes under 2 ms; a broken RTC must not hang boot */

struct rtc_time {
	uint8_t sec, min, hour, day, month, year, century;
};

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

static int rtc_read_once(struct rtc_time *t)
{
	for (unsigned i = 0; cmos_read(RTC_STATUS_A) & RTC_A_UPDATING; i++)
		if (i == RTC_READ_TRIES)
			return -1;
	*t = (struct rtc_time){ cmos_read(RTC_SEC), cmos_read(RTC_MIN), cmos_read(RTC_HOUR), cmos_read(RTC_DAY),
				cmos_read(RTC_MONTH), cmos_read(RTC_YEAR), cmos_read(RTC_CENTURY) };
	return 0;
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0x0f);
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

uint64_t arch_rtc_seconds(void)
{
	struct rtc_time a, b;
	unsigned tries = 0;

	if (rtc_read_once(&b))
		return 0;
	do {
		a = b;
		if (rtc_read_once(&b) || ++tries == RTC_READ_TRIES)
			return 0;
	} while (a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day ||
		 a.month != b.month || a.year != b.year || a.century != b.century);

	uint8_t status = cmos_read(RTC_STATUS_B);
	int pm = b.hour & RTC_HOUR_PM;
	unsigned sec = b.sec, min = b.min, hour = b.hour & ~RTC_HOUR_PM, day = b.day, month = b.month,
		 year = b.year, century = b.century;
	if (!(status & RTC_B_BINARY)) {
		sec = from_bcd(sec), min = from_bcd(min), hour = from_bcd(hour), day = from_bcd(day);
		month = from_bcd(month), year = from_bcd(year), century = from_bcd(century);
	}
	if (!(status & RTC_B_24H))
		hour = hour % 12 + (pm ? 12 : 0);
	/* QEMU and PCs keep the century in register 0x32; without it, 20xx. */
	year += (century >= 19 && century <= 99 ? century : 20) * 100;
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return 0;
	int64_t t = days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
	return t > 0 ? (uint64_t)t : 0;
}
