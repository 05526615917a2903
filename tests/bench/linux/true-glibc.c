/*
 * true-glibc.c - the exec target of fork_exec_wait: a static glibc program
 * that does nothing, so an exec costs what glibc's start-up costs.
 */
int main(void)
{
	return 0;
}
