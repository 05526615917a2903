/*
 * assert_fail.c - a failing assert: newlib prints the assertion on stderr
 * and calls abort(), whose raise(SIGABRT) reaches lib/libc's kill() for
 * the program itself, which ends it with status 134 (128 + SIGABRT), as a
 * shell reports an aborted program.
 */
#include <assert.h>
#include <stdio.h>

int main(void)
{
	printf("assert_fail: asserting that 1 + 1 == 3\n");
	assert(1 + 1 == 3);
	printf("assert_fail: not reached\n");
	return 0;
}
