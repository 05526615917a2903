/* part.c - the other half of main.c's program (an object or an archive). */
int part(void)
{
	return 3;
}

/* Never called: --gc-sections may drop it. */
int unused(void)
{
	return 4;
}
