// SPDX-License-Identifier: BSD-2-Clause
/*
 * Minimal /dev/jailhouse driver for the board tests (static arm64 binary):
 *   jhioctl enable CONFIG | disable | cell-create
 * Prints the errno name on failure and exits 1, so tests can assert the
 * exact refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libcell/abi/cell-abi.h>

static int fail(const char *what)
{
	int e = errno;

	printf("%s: %s (errno %d)\n", what, strerror(e), e);
	return 1;
}

int main(int argc, char **argv)
{
	struct cell_abi_ioctl_cell_create cc = { 0 };
	struct stat st;
	char *buf;
	int fd, cfd;

	if (argc < 2)
		return 2;
	fd = open(CELL_ABI_DEVICE_PATH, O_RDWR);
	if (fd < 0)
		return fail("open");
	if (!strcmp(argv[1], "enable") && argc == 3) {
		cfd = open(argv[2], O_RDONLY);
		if (cfd < 0 || fstat(cfd, &st))
			return fail(argv[2]);
		buf = malloc(st.st_size);
		if (!buf || read(cfd, buf, st.st_size) != st.st_size)
			return fail(argv[2]);
		if (ioctl(fd, CELL_ABI_IOCTL_ENABLE, buf))
			return fail("enable");
	} else if (!strcmp(argv[1], "disable")) {
		if (ioctl(fd, CELL_ABI_IOCTL_DISABLE))
			return fail("disable");
	} else if (!strcmp(argv[1], "cell-create")) {
		if (ioctl(fd, CELL_ABI_IOCTL_CELL_CREATE, &cc))
			return fail("cell-create");
	} else {
		return 2;
	}
	printf("%s: ok\n", argv[1]);
	return 0;
}
