/*
 * setmntent, getmntent, endmntent, hasmntopt - a mount table in fstab's
 * format: one file system a line, "DEVICE DIR TYPE OPTIONS FREQ PASSNO",
 * blank lines and "#" comments skipped.  The system's own table is not a
 * file on Mica: the file server mounts the disk's ext2 file system as /
 * at boot and nothing else is mounted, so setmntent of MOUNTED or of
 * /proc/mounts (Linux's name, which programs open) reads that one line.
 */
#include <mntent.h>
#include <stdlib.h>
#include <string.h>

#define MNTENT_LINE_MAX 512
#define MNTENT_SYSTEM_TABLE "disk / ext2 rw 0 0\n"

static char line[MNTENT_LINE_MAX];
static struct mntent entry;

FILE *setmntent(const char *path, const char *mode)
{
	if (!strcmp(path, MOUNTED) || !strcmp(path, "/proc/mounts"))
		return fmemopen((void *)MNTENT_SYSTEM_TABLE, strlen(MNTENT_SYSTEM_TABLE), "r");
	return fopen(path, mode);
}

int endmntent(FILE *f)
{
	if (f)
		fclose(f);
	return 1;
}

static char *field(char **s)
{
	char *start = *s + strspn(*s, " \t\n");
	char *end = start + strcspn(start, " \t\n");

	*s = *end ? end + 1 : end;
	*end = 0;
	return start;
}

struct mntent *getmntent(FILE *f)
{
	while (fgets(line, sizeof(line), f)) {
		char *s = line;

		s += strspn(s, " \t");
		if (*s == '#' || *s == '\n' || !*s)
			continue;
		entry.mnt_fsname = field(&s);
		entry.mnt_dir = field(&s);
		entry.mnt_type = field(&s);
		entry.mnt_opts = field(&s);
		entry.mnt_freq = atoi(field(&s));
		entry.mnt_passno = atoi(field(&s));
		if (!*entry.mnt_dir || !*entry.mnt_type)
			continue;
		if (!*entry.mnt_opts)
			entry.mnt_opts = "rw";
		return &entry;
	}
	return NULL;
}

char *hasmntopt(const struct mntent *ent, const char *opt)
{
	size_t n = strlen(opt);

	for (char *p = ent->mnt_opts; p && *p;) {
		if (!strncmp(p, opt, n) && (p[n] == ',' || p[n] == '=' || !p[n]))
			return p;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return NULL;
}
