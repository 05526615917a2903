/*
 * helpers.c - asks for the QEMU tests' helpers without having a qtest.h of
 * its own: tools/mica-cc must not find tests/qemu/lib's (headers.sh expects
 * this compile to fail).
 */
#include <qtest.h>

int helpers(void)
{
	return 0;
}
