/*
 * proc_big.c - a program whose file is over 1 MiB of loaded bytes
 * (proc.scenario): the process server reads it into a dataspace of its
 * own instead of its staging one.  Exits 0 when its data is all there.
 */
#define BIG (1536 * 1024)

static const volatile unsigned char blob[BIG] = { [0] = 1, [BIG / 2] = 2, [BIG - 1] = 3 };

int main(void)
{
	unsigned sum = 0;

	for (unsigned i = 0; i < BIG; i++)
		sum += blob[i];
	return sum == 6 && blob[BIG - 1] == 3 ? 0 : 1;
}
