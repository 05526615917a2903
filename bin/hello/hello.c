/* hello - the classic: one line on stdout (spawn_wait_hello starts it). */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
