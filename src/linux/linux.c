// SPDX-License-Identifier: BSD-2-Clause
/*
 * A Linux boot for a cell: the handle, the loader stub, the dry-run record
 * and the create/load/start sequence on the driver.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libfdt.h>

#include "internal.h"
#include "linux_internal.h"

/*
 * The loader stub: the cell's first CPU enters here with x0 = 0; the
 * kernel wants x0 = DTB and x1-x3 = 0 (arm64 boot protocol).
 *   0: ldr x0, 24   4: ldr x4, 32   8: mov x1, xzr   12: mov x2, xzr
 *  16: mov x3, xzr 20: br x4       24: .quad dtb     32: .quad kernel
 */
static const uint32_t stub_code[6] = {
	0x580000c0, 0x580000e4, 0xaa1f03e1, 0xaa1f03e2, 0xaa1f03e3, 0xd61f0080,
};

int cell__linux_warn(cell_linux *l, const char *fmt, ...)
{
	char **w = realloc(l->warnings, (l->nwarnings + 1) * sizeof(*w));
	va_list ap;
	int len;

	if (!w)
		return cell__err(l->ctx, -ENOMEM, "out of memory");
	l->warnings = w;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	w[l->nwarnings] = malloc((size_t)len + 1);
	if (!w[l->nwarnings])
		return cell__err(l->ctx, -ENOMEM, "out of memory");
	va_start(ap, fmt);
	vsnprintf(w[l->nwarnings], (size_t)len + 1, fmt, ap);
	va_end(ap);
	l->nwarnings++;
	return 0;
}

static void put_stub(cell_linux *l)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		cell__put32(l->stub + 4 * i, stub_code[i]);
	cell__put64(l->stub + 24, l->layout.dtb_address);
	cell__put64(l->stub + 32, l->layout.kernel_address);
}

/* Now that the initrd has its place, fill the /chosen placeholders. */
static int patch_initrd(cell_linux *l)
{
	int node = fdt_path_offset(l->dtb, "/chosen"), err;
	uint64_t start = l->layout.initrd_address;

	if (!l->layout.initrd_size)
		return 0;
	err = node < 0 ? node :
	      fdt_setprop_inplace_u64(l->dtb, node, "linux,initrd-start", start);
	if (!err)
		err = fdt_setprop_inplace_u64(l->dtb, node, "linux,initrd-end",
					      start + l->layout.initrd_size);
	return err ? cell__err(l->ctx, -EINVAL, "device tree: /chosen initrd: %s",
			       fdt_strerror(err)) : 0;
}

int cell_linux_new(cell_ctx *ctx, cell_linux **out, const cell_config *cell,
		   const struct cell_linux_params *p)
{
	struct cell_linux_image_info img;
	cell_linux *l;
	int err;

	if (!ctx || !out || !cell || !p)
		return cell__err(ctx, -EINVAL, "cell_linux_new: NULL argument");
	*out = NULL;
	if (cell_config_kind(cell) != CELL_CONFIG_CELL)
		return cell__err(ctx, -EINVAL, "cell_linux_new: not a cell configuration");
	if (!p->kernel || !p->dtb || (p->initrd_size && !p->initrd))
		return cell__err(ctx, -EINVAL, "cell_linux_new: kernel, device tree or initrd missing");
	if (!p->cpu_mpidr || !p->cpu_count)
		return cell__err(ctx, -EINVAL,
				 "cell_linux_new: no CPU map (MPIDR of each logical CPU; see cell_linux_host_mpidrs())");
	err = cell_linux_image_parse(ctx, p->kernel, p->kernel_size, &img);
	if (err)
		return err;
	l = calloc(1, sizeof(*l));
	if (!l)
		return cell__err(ctx, -ENOMEM, "out of memory");
	l->ctx = ctx;
	err = cell__linux_edit_dtb(l, cell, p);
	if (!err) {
		l->layout.kernel_size = p->kernel_size;
		l->layout.dtb_size = l->dtb_size;
		l->layout.initrd_size = p->initrd ? p->initrd_size : 0;
		err = cell__linux_place(ctx, cell, &img, &l->layout);
	}
	if (!err)
		err = patch_initrd(l);
	if (err) {
		cell_linux_free(l);
		return err;
	}
	put_stub(l);
	l->kernel = p->kernel;
	l->initrd = l->layout.initrd_size ? p->initrd : NULL;
	*out = l;
	return 0;
}

void cell_linux_free(cell_linux *l)
{
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i < l->nwarnings; i++)
		free(l->warnings[i]);
	free(l->warnings);
	free(l->dtb);
	free(l);
}

int cell_linux_get_layout(const cell_linux *l, struct cell_linux_layout *out)
{
	if (!l || !out)
		return -EINVAL;
	*out = l->layout;
	return 0;
}

const void *cell_linux_dtb(const cell_linux *l, size_t *size)
{
	if (!l)
		return NULL;
	if (size)
		*size = l->dtb_size;
	return l->dtb;
}

int cell_linux_images(const cell_linux *l, struct cell_hv_image *out, uint32_t max)
{
	struct cell_hv_image all[4];
	uint32_t n = 0, i;

	if (!l || (max && !out))
		return -EINVAL;
	all[n++] = (struct cell_hv_image){ l->stub, sizeof(l->stub), l->layout.stub_address };
	all[n++] = (struct cell_hv_image){ l->kernel, l->layout.kernel_size,
					   l->layout.kernel_address };
	all[n++] = (struct cell_hv_image){ l->dtb, l->dtb_size, l->layout.dtb_address };
	if (l->layout.initrd_size)
		all[n++] = (struct cell_hv_image){ l->initrd, l->layout.initrd_size,
						   l->layout.initrd_address };
	for (i = 0; i < n && i < max; i++)
		out[i] = all[i];
	return (int)n;
}

uint32_t cell_linux_warning_count(const cell_linux *l)
{
	return l ? l->nwarnings : 0;
}

const char *cell_linux_warning(const cell_linux *l, uint32_t idx)
{
	return l && idx < l->nwarnings ? l->warnings[idx] : NULL;
}

static json_t *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

static json_t *piece(uint64_t address, uint64_t size)
{
	return json_pack("{s:o, s:o}", "address", hex(address), "size", hex(size));
}

int cell_linux_layout_json(const cell_linux *l, char **out)
{
	const struct cell_linux_layout *y;
	json_t *o, *w;
	uint32_t i;
	char *text;

	if (!l || !out)
		return -EINVAL;
	y = &l->layout;
	w = json_array();
	for (i = 0; w && i < l->nwarnings; i++)
		json_array_append_new(w, json_string(l->warnings[i]));
	o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		      "ram", piece(y->ram_start, y->ram_size),
		      "stub", piece(y->stub_address, CELL_LINUX_STUB_SIZE),
		      "kernel", json_pack("{s:o, s:o, s:o}", "address", hex(y->kernel_address),
					  "size", hex(y->kernel_size), "span", hex(y->kernel_span)),
		      "dtb", piece(y->dtb_address, y->dtb_size),
		      "initrd", y->initrd_size ? piece(y->initrd_address, y->initrd_size) :
						 json_null(),
		      "entry", hex(y->kernel_address),
		      "warnings", w);
	text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
	json_decref(o);
	if (!text)
		return cell__err(l->ctx, -ENOMEM, "out of memory");
	*out = malloc(strlen(text) + 2);
	if (*out)
		sprintf(*out, "%s\n", text);
	free(text);
	return *out ? 0 : cell__err(l->ctx, -ENOMEM, "out of memory");
}

int cell_linux_boot(cell_hv *hv, const cell_linux *l, const cell_config *cell)
{
	struct cell_hv_image imgs[4];
	struct cell_hv_cell info;
	char saved[CELL_ERRMSG_MAX];
	const char *name;
	bool created = false;
	cell_ctx *ctx;
	int err, n;

	if (!hv || !l || !cell)
		return cell__err(hv ? cell__hv_ctx(hv) : NULL, -EINVAL,
				 "cell_linux_boot: NULL argument");
	ctx = cell__hv_ctx(hv);
	name = cell_config_name(cell);
	err = cell_hv_cell_get(hv, -1, name, &info);
	if (err == -ENOENT) {
		err = cell_hv_cell_create_config(hv, cell);
		if (err)
			return err;
		created = true;
	} else if (err) {
		return err;
	}
	n = cell_linux_images(l, imgs, 4);
	err = cell_hv_cell_load(hv, -1, name, imgs, (uint32_t)n);
	if (!err)
		err = cell_hv_cell_start(hv, -1, name);
	if (err && created) {
		snprintf(saved, sizeof(saved), "%s", cell_ctx_last_error(ctx));
		cell_hv_cell_destroy(hv, -1, name);
		cell__err(ctx, err, "%s (cell \"%s\" destroyed again)", saved, name);
	}
	return err;
}

/* CPU n's affinity from the `reg` of its device-tree node (big-endian cells). */
static int read_reg(cell_ctx *ctx, const char *path, uint64_t *out)
{
	uint8_t *buf;
	size_t size, i;
	int err;

	err = cell_file_read(ctx, path, 64, &buf, &size);
	if (err)
		return err == -ENOENT ? err : cell__err(ctx, -EIO, "%s: unreadable", path);
	if (size != 4 && size != 8) {
		free(buf);
		return cell__err(ctx, -EIO, "%s: %zu bytes, not one or two cells", path, size);
	}
	*out = 0;
	for (i = 0; i < size; i++)
		*out = *out << 8 | buf[i];
	free(buf);
	return 0;
}

int cell_linux_host_mpidrs(cell_ctx *ctx, const char *sysfs, uint64_t *out, uint32_t max)
{
	char path[4096];
	uint32_t n;
	int err;
	DIR *d;

	if (!ctx || (max && !out))
		return cell__err(ctx, -EINVAL, "cell_linux_host_mpidrs: NULL argument");
	if (!sysfs)
		sysfs = "/sys";
	for (n = 0; n < 4096; n++) {
		uint64_t v = 0;

		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%u", sysfs, n);
		d = opendir(path);
		if (!d)
			break;
		closedir(d);
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%u/of_node/reg", sysfs, n);
		err = read_reg(ctx, path, &v);
		if (err == -ENOENT)
			return cell__err(ctx, -ENOENT,
					 "%s: no device-tree node for CPU %u: its MPIDR is unknown",
					 path, n);
		if (err)
			return err;
		if (n < max)
			out[n] = v;
	}
	if (!n)
		return cell__err(ctx, -ENOENT, "%s/devices/system/cpu: no CPU", sysfs);
	return (int)n;
}
