/* SPDX-License-Identifier: BSD-2-Clause */
/* Contexts, error strings, versions and file helpers. */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int cell_ctx_new(cell_ctx **out)
{
	cell_ctx *ctx;

	if (!out)
		return -EINVAL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	*out = ctx;
	return 0;
}

void cell_ctx_free(cell_ctx *ctx)
{
	free(ctx);
}

const char *cell_ctx_last_error(const cell_ctx *ctx)
{
	return ctx ? ctx->last_error : "invalid context";
}

int cell_ctx_last_errno(const cell_ctx *ctx)
{
	return ctx ? ctx->last_errno : -EINVAL;
}

void cell_ctx_clear_error(cell_ctx *ctx)
{
	if (!ctx)
		return;
	ctx->last_errno = 0;
	ctx->last_error[0] = '\0';
}

int cell__verr(cell_ctx *ctx, int err, const char *fmt, va_list ap)
{
	if (ctx) {
		ctx->last_errno = err;
		vsnprintf(ctx->last_error, sizeof(ctx->last_error), fmt, ap);
	}
	return err;
}

int cell__err(cell_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cell__verr(ctx, err, fmt, ap);
	va_end(ap);
	return err;
}

const char *cell_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "invalid argument";
	case -ENOMEM:
		return "out of memory";
	case -EBADMSG:
		return "malformed input";
	case -ENODATA:
		return "input truncated";
	case -EOVERFLOW:
		return "value or size out of range";
	case -E2BIG:
		return "input too large or trailing data";
	case -ENOSPC:
		return "buffer too small";
	case -ERANGE:
		return "index out of range";
	case -ENOTSUP:
		return "operation not supported for this object";
	case -ENOENT:
		return "not found";
	case -EEXIST:
		return "already exists";
	case -ENAMETOOLONG:
		return "name too long";
	case -EFBIG:
		return "file too large";
	case -ENODEV:
		return "no such device";
	case -EBUSY:
		return "busy";
	case -EPERM:
		return "operation not permitted";
	case -EACCES:
		return "permission denied";
	case -ENOSYS:
		return "not implemented by the driver or hypervisor";
	case -EIO:
		return "input/output error";
	case -ELOOP:
		return "reference loop";
	default:
		return err < 0 ? "system error" : "not an error code";
	}
}

void cell_free(void *ptr)
{
	free(ptr);
}

const char *cell_version(void)
{
	return CELL_VERSION_STRING;
}

uint32_t cell_version_number(void)
{
	return CELL_VERSION_NUMBER;
}

int cell__read_file(cell_ctx *ctx, const char *path, size_t max,
		    uint8_t **out, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cell__err(ctx, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		return cell__err(ctx, err, "%s: %s", path, strerror(-err));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return cell__err(ctx, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
				 "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return cell__err(ctx, -EFBIG, "%s: %lld bytes, more than the %zu accepted",
				 path, (long long)st.st_size, max);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return cell__err(ctx, -ENOMEM, "%s: out of memory", path);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			free(buf);
			close(fd);
			return cell__err(ctx, err, "%s: read failed after %zu bytes",
					 path, done);
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*size = done;
	return 0;
}

int cell__write_file_atomic(cell_ctx *ctx, const char *path,
			    const void *data, size_t size)
{
	const uint8_t *p = data;
	char *tmp, *dircopy;
	size_t len = strlen(path), done = 0;
	int fd, err = 0;

	tmp = malloc(len + sizeof(".tmp.XXXXXX"));
	if (!tmp)
		return cell__err(ctx, -ENOMEM, "%s: out of memory", path);
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		cell__err(ctx, err, "%s: cannot create temporary file: %s", path,
			  strerror(errno));
		free(tmp);
		return err;
	}
	while (done < size) {
		ssize_t n = write(fd, p + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		done += (size_t)n;
	}
	if (!err && fchmod(fd, 0644) < 0)
		err = -errno;
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		cell__err(ctx, err, "%s: write failed: %s", path, strerror(-err));
		free(tmp);
		return err;
	}
	free(tmp);
	/* Make the rename itself durable. */
	dircopy = strdup(path);
	if (dircopy) {
		fd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
		free(dircopy);
	}
	return 0;
}

int cell_file_read(cell_ctx *ctx, const char *path, size_t max, uint8_t **out,
		   size_t *size)
{
	if (!ctx || !path || !out || !size)
		return cell__err(ctx, -EINVAL, "cell_file_read: NULL argument");
	return cell__read_file(ctx, path, max, out, size);
}

int cell_file_write(cell_ctx *ctx, const char *path, const void *data,
		    size_t size)
{
	if (!ctx || !path || (!data && size))
		return cell__err(ctx, -EINVAL, "cell_file_write: NULL argument");
	return cell__write_file_atomic(ctx, path, data, size);
}
