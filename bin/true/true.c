/* true - do nothing, successfully: the program spawn_wait starts (make bench). */
int main(void)
{
	return 0;
}
