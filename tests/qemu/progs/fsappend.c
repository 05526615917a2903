/*
 * fsappend.c - two programs using one file (fsappend.scenario,
 * docs/fsserver.md): each appends numbered records to /ap/log with
 * O_APPEND at the same time, through its own session; the checker finds
 * every record of both whole and in order, none lost or overwritten.
 *
 *   fsappend TAG      append RECORDS records "TAG NNNNN\n", then make /ap/TAG.done
 *   fsappend check    wait for A.done and B.done, then read /ap/log back
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qtest.h"

#define RECORDS 300
#define RECORD 8   /* "A 00000\n" */

static int append(char tag)
{
	char rec[RECORD + 1], done[16];

	if (mkdir("/ap", 0755) && errno != EEXIST)
		return 1;
	int fd = open("/ap/log", O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd < 0)
		return 1;
	for (int i = 0; i < RECORDS; i++) {
		snprintf(rec, sizeof rec, "%c %05d\n", tag, i);
		if (write(fd, rec, RECORD) != RECORD)
			return 1;
	}
	close(fd);
	snprintf(done, sizeof done, "/ap/%c.done", tag);
	fd = open(done, O_WRONLY | O_CREAT, 0644);
	return fd < 0 || close(fd);
}

static void check(void)
{
	struct stat st;

	while (stat("/ap/A.done", &st) || stat("/ap/B.done", &st))
		usleep(10000);
	int fd = open("/ap/log", O_RDONLY);
	expect("open /ap/log", fd >= 0, 1);
	expect("fstat", fstat(fd, &st), 0);
	expect("every record is there", st.st_size, 2 * RECORDS * RECORD);
	int next[2] = { 0, 0 }, bad = 0;
	char rec[RECORD];
	while (read(fd, rec, RECORD) == RECORD) {
		int n = 0;
		for (int i = 2; i < 7; i++)
			n = n * 10 + (rec[i] - '0');
		int t = rec[0] - 'A';
		if ((t != 0 && t != 1) || rec[1] != ' ' || rec[7] != '\n' || n != next[t])
			bad++;
		else
			next[t]++;
	}
	expect("each record whole and in its writer's order", bad, 0);
	expect("A's all", next[0], RECORDS);
	expect("B's all", next[1], RECORDS);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strlen(argv[1]) == 1)
		return append(argv[1][0]);
	qtest_name(argv[0]);
	if (mkdir("/ap", 0755) && errno != EEXIST)
		expect("mkdir /ap", errno, 0);
	check();
	return qtest_done();
}
