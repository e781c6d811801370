/* SPDX-License-Identifier: BSD-2-Clause */
/* Hypervisor management through the driver's ioctls and sysfs tree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libcell/abi/cell-abi.h>
#include <libcell/hv.h>

#include "internal.h"

struct cell_hv {
	cell_ctx *ctx;
	char *device;
	char *sysfs;
	int fd;
};

cell_ctx *cell__hv_ctx(struct cell_hv *hv)
{
	return hv->ctx;
}

/* Longest sysfs value we parse (CPU lists of 256 CPUs fit easily). */
#define HV_SYSFS_MAX 4096

int cell_hv_open(cell_ctx *ctx, cell_hv **out, const char *device)
{
	cell_hv *hv;

	if (!ctx || !out)
		return cell__err(ctx, -EINVAL, "cell_hv_open: NULL argument");
	hv = calloc(1, sizeof(*hv));
	if (!hv)
		return cell__err(ctx, -ENOMEM, "out of memory");
	hv->ctx = ctx;
	hv->fd = -1;
	hv->device = strdup(device ? device : CELL_ABI_DEVICE_PATH);
	hv->sysfs = strdup(CELL_ABI_SYSFS_ROOT);
	if (!hv->device || !hv->sysfs) {
		cell_hv_close(hv);
		return cell__err(ctx, -ENOMEM, "out of memory");
	}
	*out = hv;
	return 0;
}

void cell_hv_close(cell_hv *hv)
{
	if (!hv)
		return;
	if (hv->fd >= 0)
		close(hv->fd);
	free(hv->device);
	free(hv->sysfs);
	free(hv);
}

int cell_hv_set_sysfs_root(cell_hv *hv, const char *root)
{
	char *s;

	if (!hv || !root)
		return cell__err(hv ? hv->ctx : NULL, -EINVAL, "cell_hv_set_sysfs_root: NULL argument");
	s = strdup(root);
	if (!s)
		return cell__err(hv->ctx, -ENOMEM, "out of memory");
	free(hv->sysfs);
	hv->sysfs = s;
	return 0;
}

/* ---- device and ioctls ------------------------------------------------ */

static int hv_fd(cell_hv *hv)
{
	int err;

	if (hv->fd >= 0)
		return hv->fd;
	hv->fd = open(hv->device, O_RDWR | O_CLOEXEC);
	if (hv->fd < 0) {
		err = errno;
		return cell__err(hv->ctx, -err, "%s: %s%s", hv->device, strerror(err),
				 err == ENOENT ? " (is the hypervisor module loaded?)" : "");
	}
	return hv->fd;
}

/* Why a driver refused, beyond strerror: the usual causes per errno. */
static const char *ioctl_hint(unsigned long req, int err)
{
	bool stops = req == CELL_ABI_IOCTL_CELL_LOAD || req == CELL_ABI_IOCTL_CELL_START ||
		     req == CELL_ABI_IOCTL_CELL_DESTROY;

	/* stopping a running cell: it may object, or a CPU may not stop */
	if (stops && err == EPERM)
		return "the cell denied the shutdown request, or a running/locked cell vetoes "
		       "changes; see cellctl console";
	if (stops && err == EIO)
		return "a CPU of the cell did not stop; see cellctl console";
	switch (err) {
	case ENOTTY:
		return "not a hypervisor driver device";
	case EPERM:
	case EACCES:
		return "needs root (CAP_SYS_ADMIN)";
	case ENOSYS:
		return "operation not supported by this driver";
	default:
		break;
	}
	if (req == CELL_ABI_IOCTL_ENABLE) {
		switch (err) {
		case EBUSY:
			return "hypervisor already enabled, or its memory is in use "
			       "(overlapping Linux RAM?)";
		case ENOENT:
			return "firmware file " CELL_ABI_FIRMWARE_NAME
			       " not found in /lib/firmware";
		case EINVAL:
			return "system configuration or hypervisor image refused by the driver "
			       "(see dmesg)";
		case ENODEV:
			return "no usable EL2 (kernel not booted at EL2, or KVM owns it)";
		case ENOMEM:
			return "hypervisor memory too small or kernel out of memory";
		default:
			return "see dmesg";
		}
	}
	if (req == CELL_ABI_IOCTL_DISABLE && err == EINVAL)
		return "hypervisor not enabled";
	if (err == ENOENT)
		return "no such cell";
	if (err == EEXIST)
		return "a cell with that name or id exists";
	if (err == EBUSY)
		return "resources in use (CPUs offline or assigned, other cells)";
	return "see dmesg";
}

static int hv_ioctl(cell_hv *hv, const char *what, unsigned long req, void *arg)
{
	int fd = hv_fd(hv), err;
	struct stat st;

	if (fd < 0)
		return fd;
	/* Our numbers mean other things elsewhere (1 is FIBMAP on files). */
	if (fstat(fd, &st) == 0 && !S_ISCHR(st.st_mode))
		return cell__err(hv->ctx, -ENOTTY, "%s: %s: not a character device (%s)",
				 what, hv->device, ioctl_hint(req, ENOTTY));
	if (ioctl(fd, req, arg) == 0)
		return 0;
	err = errno;
	return cell__err(hv->ctx, -err, "%s: %s: %s (%s)", what, hv->device, strerror(err),
			 ioctl_hint(req, err));
}

static int check_image(cell_hv *hv, const void *config, size_t size, uint32_t kind,
		       const char *what)
{
	cell_config *cfg;
	int ret;

	if (!config)
		return cell__err(hv->ctx, -EINVAL, "%s: NULL configuration", what);
	ret = cell_config_decode(hv->ctx, &cfg, config, size);
	if (ret)
		return ret;
	ret = cell_config_kind(cfg) == kind ? 0 :
	      cell__err(hv->ctx, -EINVAL, "%s: this is a %s configuration, not a %s one",
			what, kind == CELL_CONFIG_SYSTEM ? "cell" : "system",
			kind == CELL_CONFIG_SYSTEM ? "system" : "cell");
	cell_config_free(cfg);
	return ret;
}

static int sysfs_u64(cell_hv *hv, const char *rel, uint64_t *out);

int cell_hv_enable(cell_hv *hv, const void *config, size_t size)
{
	uint64_t enabled;
	int ret;

	if (!hv)
		return -EINVAL;
	ret = check_image(hv, config, size, CELL_CONFIG_SYSTEM, "enable");
	if (ret)
		return ret;
	/* The driver reads the header, then the whole config, from this VA. */
	ret = hv_ioctl(hv, "enable", CELL_ABI_IOCTL_ENABLE, (void *)config);
	if (ret != -EBUSY)
		return ret;
	/* EBUSY has two causes; sysfs tells which one it was. */
	if (sysfs_u64(hv, "enabled", &enabled))
		return cell__err(hv->ctx, -EBUSY, "enable: %s: %s (hypervisor already "
				 "enabled, or its memory is in use: overlapping Linux RAM?)",
				 hv->device, strerror(EBUSY));
	return cell__err(hv->ctx, -EBUSY, "enable: %s: %s (%s)", hv->device, strerror(EBUSY),
			 enabled ? "hypervisor already enabled" :
			 "hypervisor memory in use: overlapping Linux RAM? reserve it with "
			 "mem= or a reserved-memory node");
}

static int with_encoded(cell_hv *hv, const cell_config *cfg,
			int (*fn)(cell_hv *, const void *, size_t))
{
	uint8_t *buf;
	size_t size;
	int ret;

	if (!hv)
		return -EINVAL;
	if (!cfg)
		return cell__err(hv->ctx, -EINVAL, "NULL configuration");
	ret = cell_config_encode_alloc(cfg, &buf, &size);
	if (ret)
		return cell__err(hv->ctx, ret, "encoding the configuration: %s",
				 cell_ctx_last_error(cell_config_ctx(cfg)));
	ret = fn(hv, buf, size);
	cell_free(buf);
	return ret;
}

int cell_hv_enable_config(cell_hv *hv, const cell_config *cfg)
{
	return with_encoded(hv, cfg, cell_hv_enable);
}

int cell_hv_disable(cell_hv *hv)
{
	if (!hv)
		return -EINVAL;
	return hv_ioctl(hv, "disable", CELL_ABI_IOCTL_DISABLE, NULL);
}

int cell_hv_cell_create(cell_hv *hv, const void *config, size_t size)
{
	struct cell_abi_ioctl_cell_create arg;
	int ret;

	if (!hv)
		return -EINVAL;
	ret = check_image(hv, config, size, CELL_CONFIG_CELL, "cell create");
	if (ret)
		return ret;
	if (size > UINT32_MAX)
		return cell__err(hv->ctx, -E2BIG, "cell create: configuration of %zu bytes", size);
	memset(&arg, 0, sizeof(arg));
	arg.config_address = (uint64_t)(uintptr_t)config;
	arg.config_size = (uint32_t)size;
	return hv_ioctl(hv, "cell create", CELL_ABI_IOCTL_CELL_CREATE, &arg);
}

int cell_hv_cell_create_config(cell_hv *hv, const cell_config *cfg)
{
	return with_encoded(hv, cfg, cell_hv_cell_create);
}

static int fill_id(cell_hv *hv, struct cell_abi_ioctl_cell_id *cid, int32_t id,
		   const char *name)
{
	memset(cid, 0, sizeof(*cid));
	if (name) {
		if (!*name || strlen(name) > CELL_HV_NAME_MAX)
			return cell__err(hv->ctx, -EINVAL, "cell name '%s': 1 to %u characters",
					 name, CELL_HV_NAME_MAX);
		cid->id = CELL_ABI_CELL_ID_UNUSED;
		memcpy(cid->name, name, strlen(name));
		return 0;
	}
	if (id < 0)
		return cell__err(hv->ctx, -EINVAL, "cell id %d: must be >= 0", (int)id);
	cid->id = id;
	return 0;
}

int cell_hv_cell_load(cell_hv *hv, int32_t id, const char *name,
		      const struct cell_hv_image *images, uint32_t count)
{
	struct cell_abi_ioctl_cell_load *arg;
	size_t size;
	uint32_t i;
	int ret;

	if (!hv)
		return -EINVAL;
	if (count && !images)
		return cell__err(hv->ctx, -EINVAL, "cell load: NULL image array");
	if (cell__mul_overflow(count, sizeof(arg->image[0]), &size) ||
	    cell__add_overflow(size, sizeof(*arg), &size))
		return cell__err(hv->ctx, -EINVAL, "cell load: %u images", count);
	arg = calloc(1, size);
	if (!arg)
		return cell__err(hv->ctx, -ENOMEM, "out of memory");
	ret = fill_id(hv, &arg->cell_id, id, name);
	for (i = 0; !ret && i < count; i++) {
		if (!images[i].data && images[i].size) {
			ret = cell__err(hv->ctx, -EINVAL, "cell load: image %u has no data", i);
			break;
		}
		arg->image[i].source_address = (uint64_t)(uintptr_t)images[i].data;
		arg->image[i].size = images[i].size;
		arg->image[i].target_address = images[i].target_address;
	}
	arg->num_preload_images = count;
	if (!ret)
		ret = hv_ioctl(hv, count ? "cell load" : "cell shutdown",
			       CELL_ABI_IOCTL_CELL_LOAD, arg);
	free(arg);
	return ret;
}

int cell_hv_cell_shutdown(cell_hv *hv, int32_t id, const char *name)
{
	return cell_hv_cell_load(hv, id, name, NULL, 0);
}

static int cell_id_ioctl(cell_hv *hv, const char *what, unsigned long req, int32_t id,
			 const char *name)
{
	struct cell_abi_ioctl_cell_id cid;
	int ret;

	if (!hv)
		return -EINVAL;
	ret = fill_id(hv, &cid, id, name);
	return ret ? ret : hv_ioctl(hv, what, req, &cid);
}

int cell_hv_cell_start(cell_hv *hv, int32_t id, const char *name)
{
	return cell_id_ioctl(hv, "cell start", CELL_ABI_IOCTL_CELL_START, id, name);
}

int cell_hv_cell_destroy(cell_hv *hv, int32_t id, const char *name)
{
	return cell_id_ioctl(hv, "cell destroy", CELL_ABI_IOCTL_CELL_DESTROY, id, name);
}

int64_t cell_hv_console_read(cell_hv *hv, void *buf, size_t size, uint32_t flags)
{
	int fd, fl, err;
	ssize_t n;

	if (!hv)
		return -EINVAL;
	if (!buf || flags & ~CELL_HV_CONSOLE_NONBLOCK)
		return cell__err(hv->ctx, -EINVAL, "console read: NULL buffer or unknown flags");
	fd = hv_fd(hv);
	if (fd < 0)
		return fd;
	/* The driver decides by the file's O_NONBLOCK whether to wait. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, (flags & CELL_HV_CONSOLE_NONBLOCK) ?
		     fl | O_NONBLOCK : fl & ~O_NONBLOCK) < 0) {
		err = errno;
		return cell__err(hv->ctx, -err, "console: fcntl %s: %s", hv->device,
				 strerror(err));
	}
	n = read(fd, buf, size);
	if (n < 0) {
		err = errno;
		if (err == EAGAIN)
			return 0;
		return cell__err(hv->ctx, -err, "console: read %s: %s", hv->device,
				 strerror(err));
	}
	return n;
}

/* ---- sysfs ------------------------------------------------------------ */

/* Read a sysfs attribute into buf as a string without the final newline. */
static int sysfs_read(cell_hv *hv, const char *rel, char *buf, size_t size)
{
	char path[4096];
	ssize_t n;
	int fd, err;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", hv->sysfs, rel) >= sizeof(path))
		return cell__err(hv->ctx, -ENAMETOOLONG, "%s/%s: path too long", hv->sysfs, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return cell__err(hv->ctx, -err, "%s: %s%s", path, strerror(err),
				 err == ENOENT ? " (driver not loaded or hypervisor not enabled?)" : "");
	}
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return cell__err(hv->ctx, -err, "%s: %s", path, strerror(err));
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int sysfs_u64(cell_hv *hv, const char *rel, uint64_t *out)
{
	char buf[64], *end;
	unsigned long long v;
	int ret = sysfs_read(hv, rel, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (!*buf || *end || errno || *buf == '-')
		return cell__err(hv->ctx, -EIO, "%s/%s: '%s' is not a number", hv->sysfs, rel,
				 buf);
	*out = v;
	return 0;
}

int cell_hv_get_info(cell_hv *hv, struct cell_hv_info *out)
{
	struct cell_hv_info info;
	uint64_t enabled;
	int ret;

	if (!hv || !out)
		return cell__err(hv ? hv->ctx : NULL, -EINVAL, "cell_hv_get_info: NULL argument");
	memset(&info, 0, sizeof(info));
	ret = sysfs_u64(hv, "enabled", &enabled);
	if (!ret)
		ret = sysfs_u64(hv, "mem_pool_size", &info.mem_pool_size);
	if (!ret)
		ret = sysfs_u64(hv, "mem_pool_used", &info.mem_pool_used);
	if (!ret)
		ret = sysfs_u64(hv, "remap_pool_size", &info.remap_pool_size);
	if (!ret)
		ret = sysfs_u64(hv, "remap_pool_used", &info.remap_pool_used);
	if (ret)
		return ret;
	info.enabled = enabled ? 1 : 0;
	*out = info;
	return 0;
}

uint32_t cell_hv_state_code(const char *text)
{
	static const struct {
		const char *text;
		uint32_t code;
	} states[] = {
		{ "running", CELL_HV_STATE_RUNNING },
		{ "running/locked", CELL_HV_STATE_RUNNING_LOCKED },
		{ "shut down", CELL_HV_STATE_SHUT_DOWN },
		{ "failed", CELL_HV_STATE_FAILED },
		{ "Comm ABI mismatch", CELL_HV_STATE_FAILED_COMM_REV },
	};
	size_t i;

	for (i = 0; text && i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(text, states[i].text))
			return states[i].code;
	return CELL_HV_STATE_UNKNOWN;
}

static int read_cell(cell_hv *hv, int32_t id, struct cell_hv_cell *c)
{
	char rel[64], buf[HV_SYSFS_MAX];
	int ret;

	memset(c, 0, sizeof(*c));
	c->id = id;
#define CELL_ATTR(attr, field)                                                        \
	do {                                                                          \
		snprintf(rel, sizeof(rel), "cells/%d/" attr, (int)id);                \
		ret = sysfs_read(hv, rel, buf, sizeof(buf));                          \
		if (ret)                                                              \
			return ret;                                                   \
		if (strlen(buf) >= sizeof(c->field))                                  \
			return cell__err(hv->ctx, -EIO, "%s/%s: value too long",      \
					 hv->sysfs, rel);                             \
		memcpy(c->field, buf, strlen(buf) + 1);                               \
	} while (0)
	CELL_ATTR("name", name);
	CELL_ATTR("state", state_text);
	CELL_ATTR("cpus_assigned_list", cpus_assigned);
	CELL_ATTR("cpus_failed_list", cpus_failed);
#undef CELL_ATTR
	c->state = cell_hv_state_code(c->state_text);
	return 0;
}

/* A directory entry that is a cell id: decimal digits only. */
static int parse_id(const char *s, int32_t *id)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT32_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > INT32_MAX)
		return -1;
	*id = (int32_t)v;
	return 0;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Sorted cell ids from cells/; *ids is malloc'ed. Returns the count. */
static int list_ids(cell_hv *hv, int32_t **ids)
{
	char path[4096];
	struct dirent *de;
	int32_t *v = NULL, *nv, id;
	size_t n = 0, cap = 0;
	DIR *d;
	int err;

	snprintf(path, sizeof(path), "%s/cells", hv->sysfs);
	d = opendir(path);
	if (!d) {
		err = errno;
		return cell__err(hv->ctx, -err, "%s: %s%s", path, strerror(err),
				 err == ENOENT ? " (hypervisor not enabled?)" : "");
	}
	while ((de = readdir(d))) {
		if (parse_id(de->d_name, &id))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				closedir(d);
				free(v);
				return cell__err(hv->ctx, -ENOMEM, "out of memory");
			}
			v = nv;
		}
		v[n++] = id;
	}
	closedir(d);
	if (n > INT32_MAX / 2) {
		free(v);
		return cell__err(hv->ctx, -EIO, "%s: too many cells", path);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_i32);
	*ids = v;
	return (int)n;
}

int cell_hv_cell_list(cell_hv *hv, struct cell_hv_cell *out, uint32_t max)
{
	struct cell_hv_cell c;
	int32_t *ids = NULL;
	int n, i, ret = 0;

	if (!hv || (max && !out))
		return cell__err(hv ? hv->ctx : NULL, -EINVAL, "cell_hv_cell_list: NULL argument");
	n = list_ids(hv, &ids);
	if (n < 0)
		return n;
	for (i = 0; i < n && (uint32_t)i < max; i++) {
		ret = read_cell(hv, ids[i], &c);
		if (ret)
			break;
		out[i] = c;
	}
	free(ids);
	return ret ? ret : n;
}

static int find_cell(cell_hv *hv, int32_t id, const char *name, struct cell_hv_cell *out)
{
	struct cell_hv_cell c;
	int32_t *ids = NULL;
	int n, i, ret;

	if (!name) {
		if (id < 0)
			return cell__err(hv->ctx, -EINVAL, "cell id %d: must be >= 0", (int)id);
		ret = read_cell(hv, id, &c);
		if (ret == -ENOENT)
			return cell__err(hv->ctx, -ENOENT, "no cell with id %d", (int)id);
		if (!ret)
			*out = c;
		return ret;
	}
	n = list_ids(hv, &ids);
	if (n < 0)
		return n;
	ret = -ENOENT;
	for (i = 0; i < n && ret == -ENOENT; i++) {
		ret = read_cell(hv, ids[i], &c);
		if (!ret && strcmp(c.name, name))
			ret = -ENOENT;	/* a cell, but another one */
	}
	free(ids);
	if (ret == -ENOENT)
		return cell__err(hv->ctx, -ENOENT, "no cell named '%s'", name);
	if (!ret)
		*out = c;
	return ret;
}

int cell_hv_cell_get(cell_hv *hv, int32_t id, const char *name, struct cell_hv_cell *out)
{
	if (!hv || !out)
		return cell__err(hv ? hv->ctx : NULL, -EINVAL, "cell_hv_cell_get: NULL argument");
	return find_cell(hv, id, name, out);
}

static int cmp_stat(const void *a, const void *b)
{
	return strcmp(((const struct cell_hv_stat *)a)->name,
		      ((const struct cell_hv_stat *)b)->name);
}

int cell_hv_cell_stats(cell_hv *hv, int32_t id, const char *name, int32_t cpu,
		       struct cell_hv_stat *out, uint32_t max)
{
	struct cell_hv_stat *all = NULL, *na;
	struct cell_hv_cell c;
	char dir[4096], rel[4200];
	struct dirent *de;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int ret, err;

	if (!hv || (max && !out) || cpu < -1)
		return cell__err(hv ? hv->ctx : NULL, -EINVAL, "cell_hv_cell_stats: bad argument");
	ret = find_cell(hv, id, name, &c);
	if (ret)
		return ret;
	if (cpu < 0)
		snprintf(dir, sizeof(dir), "cells/%d/statistics", (int)c.id);
	else
		snprintf(dir, sizeof(dir), "cells/%d/statistics/cpu%d", (int)c.id, (int)cpu);
	snprintf(rel, sizeof(rel), "%s/%s", hv->sysfs, dir);
	d = opendir(rel);
	if (!d) {
		err = errno;
		return cell__err(hv->ctx, -err, "%s: %s%s", rel, strerror(err),
				 cpu >= 0 && err == ENOENT ? " (CPU not in this cell?)" : "");
	}
	while ((de = readdir(d))) {
		/* Counters are files; the per-CPU subdirectories are skipped. */
		if (de->d_name[0] == '.' || !strncmp(de->d_name, "cpu", 3))
			continue;
		if (strlen(de->d_name) >= sizeof(all->name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			na = realloc(all, cap * sizeof(*all));
			if (!na) {
				ret = cell__err(hv->ctx, -ENOMEM, "out of memory");
				break;
			}
			all = na;
		}
		memset(&all[n], 0, sizeof(all[n]));
		memcpy(all[n].name, de->d_name, strlen(de->d_name) + 1);
		if ((size_t)snprintf(rel, sizeof(rel), "%s/%s", dir, de->d_name) >= sizeof(rel))
			continue;
		ret = sysfs_u64(hv, rel, &all[n].value);
		if (ret)
			break;
		n++;
	}
	closedir(d);
	if (!ret && n > INT32_MAX / 2)
		ret = cell__err(hv->ctx, -EIO, "too many counters");
	if (!ret) {
		if (n)
			qsort(all, n, sizeof(*all), cmp_stat);
		for (i = 0; i < n && i < max; i++)
			out[i] = all[i];
		ret = (int)n;
	}
	free(all);
	return ret;
}

int64_t cell_hv_console_dump(cell_hv *hv, char *buf, size_t size)
{
	char path[4096];
	ssize_t n;
	size_t got = 0;
	int fd, err;

	if (!hv || !buf || !size)
		return cell__err(hv ? hv->ctx : NULL, -EINVAL, "console dump: bad argument");
	snprintf(path, sizeof(path), "%s/console", hv->sysfs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return cell__err(hv->ctx, -err, "%s: %s", path, strerror(err));
	}
	/* sysfs hands out at most a page per read: loop until EOF. */
	while (got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			close(fd);
			return cell__err(hv->ctx, -err, "%s: %s", path, strerror(err));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return (int64_t)got;
}
