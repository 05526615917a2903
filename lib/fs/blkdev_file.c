/*
 * blkdev_file.c - the block device over a host file (a disk image), for
 * host tools and tests.  Host only: it uses POSIX file I/O, which Mica's
 * newlib does not have; inside Mica the block server takes its place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdev.h"

#define FILE_SECTOR 512

struct file_dev {
	struct blkdev dev;
	int fd;
};

static int file_fd(struct blkdev *dev)
{
	return ((struct file_dev *)dev)->fd;
}

/* A range must lie inside the device: a short transfer is an error. */
static int check_range(struct blkdev *dev, uint64_t sector, uint32_t count)
{
	return sector > dev->sectors || count > dev->sectors - sector ? EIO : 0;
}

static int file_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	size_t len = (size_t)count * FILE_SECTOR, done = 0;
	int err = check_range(dev, sector, count);

	while (!err && done < len) {
		ssize_t n = pread(file_fd(dev), (char *)buf + done, len - done,
				  (off_t)(sector * FILE_SECTOR + done));
		if (n <= 0)
			err = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	return err;
}

static int file_write(struct blkdev *dev, uint64_t sector, uint32_t count,
		      const void *buf)
{
	size_t len = (size_t)count * FILE_SECTOR, done = 0;
	int err = check_range(dev, sector, count);

	while (!err && done < len) {
		ssize_t n = pwrite(file_fd(dev), (const char *)buf + done, len - done,
				   (off_t)(sector * FILE_SECTOR + done));
		if (n <= 0)
			err = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	return err;
}

static int file_flush(struct blkdev *dev)
{
	return fdatasync(file_fd(dev)) < 0 ? errno : 0;
}

static void file_close(struct blkdev *dev)
{
	close(file_fd(dev));
	free(dev);
}

int blkdev_file_open(const char *path, int writable, struct blkdev **out)
{
	struct file_dev *d;
	struct stat st;
	int fd = open(path, writable ? O_RDWR : O_RDONLY);

	if (fd < 0)
		return errno;
	if (fstat(fd, &st) < 0 || !(d = calloc(1, sizeof(*d)))) {
		int err = errno ? errno : ENOMEM;
		close(fd);
		return err;
	}
	d->fd = fd;
	d->dev.sector_size = FILE_SECTOR;
	d->dev.sectors = (uint64_t)st.st_size / FILE_SECTOR;
	d->dev.read = file_read;
	d->dev.write = file_write;
	d->dev.flush = file_flush;
	d->dev.close = file_close;
	*out = &d->dev;
	return 0;
}
