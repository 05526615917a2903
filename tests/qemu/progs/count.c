/* count.c - counts the lines on its input, then reads one of the boot files. */
#include <stdio.h>

int main(int argc, char **argv)
{
	char line[256];
	int n = 0;

	printf("%s with %d arguments: type lines, Ctrl-D to end\n", argv[0], argc - 1);
	while (fgets(line, sizeof line, stdin))
		n++;
	printf("%d lines\n", n);

	FILE *f = fopen("rom/boot.cfg", "r");
	if (f) {
		while (fgets(line, sizeof line, f))
			fputs(line, stdout);
		fclose(f);
	}
	return n == 0;   /* the exit status */
}
