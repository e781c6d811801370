/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hvraw: raw driver ioctls for the board tests, bypassing libcell's checks,
 * so the module itself is shown to refuse bad input.
 *
 *   hvraw enable FILE   ENABLE with FILE's bytes placed right before an
 *                       unmapped page: reading past the end faults (EFAULT)
 *   hvraw console       read() the device with O_NONBLOCK until it returns
 *                       0 or fails, as upstream's "jailhouse console" does;
 *                       prints "hvraw: console N bytes, then 0"
 *
 * Prints "hvraw: ok" or "hvraw: <op>: <errno name> (<text>)"; exit 0 or 1.
 * Built static for arm64 by tests/board/prepare.py.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libcell/abi/cell-abi.h>

static const char *ename(int e)
{
	switch (e) {
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case E2BIG: return "E2BIG";
	case EPERM: return "EPERM";
	case ENODEV: return "ENODEV";
	case EAGAIN: return "EAGAIN";
	default: return "E?";
	}
}

static int console(void)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	int dev = open(CELL_ABI_DEVICE_PATH, O_RDONLY | O_NONBLOCK);

	if (dev < 0) {
		perror(CELL_ABI_DEVICE_PATH);
		return 2;
	}
	while ((n = read(dev, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0) {
		int e = errno;

		printf("hvraw: console: %s (%s) after %ld bytes\n", ename(e), strerror(e), total);
		return 1;
	}
	printf("hvraw: console %ld bytes, then 0\n", total);
	return 0;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	size_t span;
	char *map, *buf;
	int fd, dev;

	if (argc == 2 && !strcmp(argv[1], "console"))
		return console();
	if (argc != 3 || strcmp(argv[1], "enable")) {
		fprintf(stderr, "usage: hvraw enable FILE | hvraw console\n");
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size > 16 * page) {
		perror(argv[2]);
		return 2;
	}
	span = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page * (size_t)page;
	map = mmap(NULL, span + (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map + span, (size_t)page, PROT_NONE)) {
		perror("mmap");
		return 2;
	}
	buf = map + span - (size_t)st.st_size;
	if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
		perror("read");
		return 2;
	}
	close(fd);
	dev = open(CELL_ABI_DEVICE_PATH, O_RDWR);
	if (dev < 0) {
		perror(CELL_ABI_DEVICE_PATH);
		return 2;
	}
	if (ioctl(dev, CELL_ABI_IOCTL_ENABLE, buf)) {
		int e = errno;

		printf("hvraw: enable: %s (%s)\n", ename(e), strerror(e));
		return 1;
	}
	printf("hvraw: ok\n");
	return 0;
}
