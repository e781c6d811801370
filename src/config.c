/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cell configuration codec: revision 14 (and 13 on input) system and cell
 * images <-> struct cell_config.
 *
 * Decoding reads every field through explicit little-endian accessors at the
 * offsets pinned in <libcell/abi/cell-abi.h>, so the code never depends on
 * the host's struct layout or alignment. Every count is checked against the
 * input size before anything is allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/abi/cell-abi.h>
#include <libcell/config.h>

#include "config_internal.h"
#include "internal.h"

#define SYS_HDR		sizeof(struct cell_abi_system)
#define CELL_HDR	sizeof(struct cell_abi_cell_desc)
#define ROOT_OFF	offsetof(struct cell_abi_system, root_cell)
#define PLAT_OFF	offsetof(struct cell_abi_system, platform_info)
#define MAX_FILE_SIZE	(16u << 20)
#define MAX_CPU_SET	4096u

/* Element sizes and names of the arrays, in on-disk order. */
static const struct {
	const char *name;
	size_t disk_size;
	size_t mem_size;
} array_info[CFG_NARRAYS] = {
	[CFG_MEM] = { "memory_regions", sizeof(struct cell_abi_memory),
		      sizeof(struct cell_memory) },
	[CFG_CACHE] = { "cache_regions", sizeof(struct cell_abi_cache),
			sizeof(struct cell_cache) },
	[CFG_IRQCHIP] = { "irqchips", sizeof(struct cell_abi_irqchip),
			  sizeof(struct cell_irqchip) },
	[CFG_PIO] = { "pio_regions", sizeof(struct cell_abi_pio),
		      sizeof(struct cell_pio) },
	[CFG_PCIDEV] = { "pci_devices", sizeof(struct cell_abi_pci_device),
			 sizeof(struct cell_pci_device) },
	[CFG_PCICAP] = { "pci_caps", sizeof(struct cell_abi_pci_capability),
			 sizeof(struct cell_pci_capability) },
	[CFG_STREAMID] = { "stream_ids", sizeof(uint32_t), sizeof(uint32_t) },
};

const char *cell__config_array_name(enum cfg_array a)
{
	return array_info[a].name;
}

static bool valid_arch(uint32_t arch)
{
	return arch == CELL_ARCH_X86 || arch == CELL_ARCH_ARM ||
	       arch == CELL_ARCH_ARM64;
}

static bool is_arm(uint32_t arch)
{
	return arch == CELL_ARCH_ARM || arch == CELL_ARCH_ARM64;
}

/* The -EINVAL of public function @fn given a NULL argument. */
static int null_arg(const cell_config *cfg, const char *fn)
{
	return cell__err(cfg ? cfg->ctx : NULL, -EINVAL, "%s: NULL argument", fn);
}

int cell_config_new(cell_ctx *ctx, cell_config **out, uint32_t kind,
		    uint32_t arch)
{
	cell_config *cfg;
	size_t i;

	if (!ctx || !out)
		return cell__err(ctx, -EINVAL, "cell_config_new: NULL argument");
	if (kind != CELL_CONFIG_SYSTEM && kind != CELL_CONFIG_CELL)
		return cell__err(ctx, -EINVAL, "cell_config_new: unknown kind %u", kind);
	if (!valid_arch(arch))
		return cell__err(ctx, -EINVAL,
				 "cell_config_new: unknown architecture %u", arch);
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return cell__err(ctx, -ENOMEM, "out of memory");
	cfg->ctx = ctx;
	cfg->kind = kind;
	cfg->arch = arch;
	cfg->revision = CELL_CONFIG_REVISION;
	cfg->cpu_set_size = 8;
	cfg->cpu_set = calloc(1, cfg->cpu_set_size);
	if (!cfg->cpu_set) {
		free(cfg);
		return cell__err(ctx, -ENOMEM, "out of memory");
	}
	for (i = 0; i < CFG_NARRAYS; i++)
		cfg->arr[i].elsize = array_info[i].mem_size;
	if (kind == CELL_CONFIG_SYSTEM)
		cfg->sys.platform.pci_domain = 0;
	*out = cfg;
	return 0;
}

void cell_config_free(cell_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < CFG_NARRAYS; i++)
		free(cfg->arr[i].items);
	free(cfg->cpu_set);
	free(cfg);
}

int cell_config_clone(const cell_config *cfg, cell_config **out)
{
	cell_config *c;
	size_t i;

	if (!cfg || !out)
		return null_arg(cfg, __func__);
	c = malloc(sizeof(*c));
	if (!c)
		return cell__err(cfg->ctx, -ENOMEM, "out of memory");
	*c = *cfg;
	c->cpu_set = malloc(cfg->cpu_set_size ? cfg->cpu_set_size : 1);
	for (i = 0; i < CFG_NARRAYS; i++) {
		c->arr[i].items = NULL;
		c->arr[i].cap = cfg->arr[i].count;
	}
	if (!c->cpu_set)
		goto oom;
	memcpy(c->cpu_set, cfg->cpu_set, cfg->cpu_set_size);
	for (i = 0; i < CFG_NARRAYS; i++) {
		size_t bytes = cfg->arr[i].count * cfg->arr[i].elsize;

		if (!bytes)
			continue;
		c->arr[i].items = malloc(bytes);
		if (!c->arr[i].items)
			goto oom;
		memcpy(c->arr[i].items, cfg->arr[i].items, bytes);
	}
	*out = c;
	return 0;
oom:
	cell_config_free(c);
	return cell__err(cfg->ctx, -ENOMEM, "out of memory");
}

/* ---- decoding --------------------------------------------------------- */

static void get_console(const uint8_t *p, struct cell_console *c)
{
	c->address = cell__le64(p + 0);
	c->size = cell__le32(p + 8);
	c->type = cell__le16(p + 12);
	c->flags = cell__le16(p + 14);
	c->divider = cell__le32(p + 16);
	c->gate_nr = cell__le32(p + 20);
	c->clock_reg = cell__le64(p + 24);
}

static void get_memory(const uint8_t *p, struct cell_memory *m)
{
	m->phys_start = cell__le64(p + 0);
	m->virt_start = cell__le64(p + 8);
	m->size = cell__le64(p + 16);
	m->flags = cell__le64(p + 24);
}

static void get_iommu(const uint8_t *p, struct cell_iommu *u)
{
	memset(u, 0, sizeof(*u));
	u->type = cell__le32(p + 0);
	u->base = cell__le64(p + 4);
	u->size = cell__le32(p + 12);
	/* Both views of the on-disk union; encode writes the one of @type. */
	u->amd_bdf = cell__le16(p + 16);
	u->amd_base_cap = p[18];
	u->amd_msi_cap = p[19];
	u->amd_features = cell__le32(p + 20);
	u->tipvu_tlb_base = cell__le64(p + 16);
	u->tipvu_tlb_size = cell__le32(p + 24);
}

static int check_zero(cell_ctx *ctx, const uint8_t *base, size_t off,
		      size_t len, const char *what)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (base[off + i])
			return cell__err(ctx, -EBADMSG,
					 "offset %zu: reserved byte of %s is 0x%02x, expected 0",
					 off + i, what, base[off + i]);
	return 0;
}

/* Decode the 132-byte descriptor at @p (offset @off in the input). */
static int get_desc(cell_ctx *ctx, const uint8_t *p, size_t off,
		    struct cell_desc *d)
{
	const char *name = (const char *)p + 8;
	size_t len = strnlen(name, CELL_ABI_NAME_LEN);

	if (len == CELL_ABI_NAME_LEN)
		return cell__err(ctx, -EBADMSG,
				 "offset %zu: cell name is not NUL-terminated within 32 bytes",
				 off + 8);
	/* Bytes after the terminator must be zero, or re-encoding would lose them. */
	if (check_zero(ctx, p, 8 + len, CELL_ABI_NAME_LEN - len, "the cell name"))
		return cell__err(ctx, -EBADMSG,
				 "offset %zu: cell name has non-zero bytes after its terminator",
				 off + 8 + len);
	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, len);
	d->id = cell__le32(p + 40);
	d->flags = cell__le32(p + 44);
	d->vpci_irq_base = cell__le32(p + 80);
	d->cpu_reset_address = cell__le64(p + 84);
	d->msg_reply_timeout = cell__le64(p + 92);
	get_console(p + 100, &d->console);
	return 0;
}

static int get_system(cell_config *cfg, const uint8_t *p)
{
	struct cell_platform *pl = &cfg->sys.platform;
	const uint8_t *u = p + PLAT_OFF + 236;	/* the arch union, @312 */
	unsigned int i;
	int err;

	cfg->sys.flags = cell__le32(p + 8);
	get_memory(p + 12, &cfg->sys.hypervisor_memory);
	get_console(p + 44, &cfg->sys.debug_console);
	pl->pci_mmconfig_base = cell__le64(p + 76);
	pl->pci_mmconfig_end_bus = p[84];
	pl->pci_is_virtual = p[85];
	pl->pci_domain = cell__le16(p + 86);
	for (i = 0; i < CELL_IOMMU_MAX; i++)
		get_iommu(p + 88 + i * sizeof(struct cell_abi_iommu), &cfg->iommu[i]);

	if (is_arm(cfg->arch)) {
		pl->arm_maintenance_irq = u[0];
		pl->arm_gic_version = u[1];
		err = check_zero(cfg->ctx, p, 314, 2, "platform_info.arm");
		if (err)
			return err;
		pl->arm_gicd_base = cell__le64(u + 4);
		pl->arm_gicc_base = cell__le64(u + 12);
		pl->arm_gich_base = cell__le64(u + 20);
		pl->arm_gicv_base = cell__le64(u + 28);
		pl->arm_gicr_base = cell__le64(u + 36);
	} else {
		pl->x86_pm_timer_address = cell__le16(u + 0);
		pl->x86_apic_mode = u[2];
		err = check_zero(cfg->ctx, p, 315, 1, "platform_info.x86");
		if (err)
			return err;
		pl->x86_vtd_interrupt_limit = cell__le32(u + 4);
		pl->x86_tsc_khz = cell__le32(u + 8);
		pl->x86_apic_khz = cell__le32(u + 12);
		err = check_zero(cfg->ctx, p, 328, 28, "platform_info.x86");
		if (err)
			return err;
	}
	return 0;
}

/* What a revision 13 reader takes for an ARM platform: a GIC with a GICD. */
static bool rev13_looks_arm(uint8_t gic_version, uint64_t gicd_base)
{
	return (gic_version == 2 || gic_version == 3 || gic_version == 4) &&
	       gicd_base;
}

/*
 * Revision 13 had no architecture byte. The layout of a cell does not depend
 * on it; for a system configuration the GIC fields tell ARM from x86.
 */
static uint32_t guess_arch_rev13(const uint8_t *p, size_t size, bool system)
{
	if (!system || size < SYS_HDR)
		return CELL_ARCH_UNKNOWN;
	if (rev13_looks_arm(p[313], cell__le64(p + 316)))
		return CELL_ARCH_ARM64;
	return CELL_ARCH_X86;
}

/*
 * A revision 13 system configuration carries no architecture byte, so a
 * reader has to guess it as guess_arch_rev13() does. Refuse to write one
 * that would read back as the other architecture (an ARM GIC without a
 * distributor, or x86 values that look like one): the file would not load.
 */
int cell__config_check_rev13(const cell_config *cfg)
{
	const struct cell_platform *pl = &cfg->sys.platform;
	bool arm;

	if (cfg->revision != CELL_CONFIG_REVISION_13 ||
	    cfg->kind != CELL_CONFIG_SYSTEM)
		return 0;
	if (is_arm(cfg->arch)) {
		arm = rev13_looks_arm(pl->arm_gic_version, pl->arm_gicd_base);
		if (!arm)
			return cell__err(cfg->ctx, -EINVAL,
					 "revision 13 has no architecture byte and this ARM system configuration (gic_version %u, gicd_base 0x%llx) would read back as x86; write revision 14",
					 pl->arm_gic_version,
					 (unsigned long long)pl->arm_gicd_base);
	} else {
		arm = rev13_looks_arm((uint8_t)(pl->x86_pm_timer_address >> 8),
				      pl->x86_vtd_interrupt_limit |
				      (uint64_t)pl->x86_tsc_khz << 32);
		if (arm)
			return cell__err(cfg->ctx, -EINVAL,
					 "revision 13 has no architecture byte and this x86 system configuration (pm_timer_address 0x%x, vtd_interrupt_limit %u) would read back as ARM; write revision 14",
					 pl->x86_pm_timer_address,
					 pl->x86_vtd_interrupt_limit);
	}
	return 0;
}

static int get_element(cell_config *cfg, enum cfg_array a, const uint8_t *p,
		       void *out)
{
	switch (a) {
	case CFG_MEM:
		get_memory(p, out);
		break;
	case CFG_CACHE: {
		struct cell_cache *c = out;

		c->start = cell__le32(p);
		c->size = cell__le32(p + 4);
		c->type = p[8];
		c->padding = p[9];
		c->flags = cell__le16(p + 10);
		break;
	}
	case CFG_IRQCHIP: {
		struct cell_irqchip *c = out;
		int w;

		c->address = cell__le64(p);
		c->id = cell__le32(p + 8);
		c->pin_base = cell__le32(p + 12);
		for (w = 0; w < 4; w++)
			c->pin_bitmap[w] = cell__le32(p + 16 + 4 * w);
		break;
	}
	case CFG_PIO: {
		struct cell_pio *c = out;

		c->base = cell__le16(p);
		c->length = cell__le16(p + 2);
		break;
	}
	case CFG_PCIDEV: {
		struct cell_pci_device *d = out;
		int b;

		memset(d, 0, sizeof(*d));
		d->type = p[0];
		d->iommu = p[1];
		d->domain = cell__le16(p + 2);
		d->bdf = cell__le16(p + 4);
		for (b = 0; b < 6; b++)
			d->bar_mask[b] = cell__le32(p + 6 + 4 * b);
		d->caps_start = cell__le16(p + 30);
		d->num_caps = cell__le16(p + 32);
		d->num_msi_vectors = p[34];
		d->msi_flags = p[35];
		d->num_msix_vectors = cell__le16(p + 36);
		d->msix_region_size = cell__le16(p + 38);
		d->msix_address = cell__le64(p + 40);
		d->shmem_regions_start = cell__le32(p + 48);
		d->shmem_dev_id = p[52];
		d->shmem_peers = p[53];
		d->shmem_protocol = cell__le16(p + 54);
		break;
	}
	case CFG_PCICAP: {
		struct cell_pci_capability *c = out;

		c->id = cell__le16(p);
		c->start = cell__le16(p + 2);
		c->len = cell__le16(p + 4);
		c->flags = cell__le16(p + 6);
		break;
	}
	case CFG_STREAMID:
		*(uint32_t *)out = cell__le32(p);
		break;
	default:
		return cell__err(cfg->ctx, -EINVAL, "internal: bad array");
	}
	return 0;
}

int cell_config_decode(cell_ctx *ctx, cell_config **out, const void *data,
		       size_t size)
{
	static const size_t count_off[CFG_NARRAYS] = {
		[CFG_MEM] = 52, [CFG_CACHE] = 56, [CFG_IRQCHIP] = 60,
		[CFG_PIO] = 64, [CFG_PCIDEV] = 68, [CFG_PCICAP] = 72,
		[CFG_STREAMID] = 76,
	};
	const uint8_t *p = data;
	uint32_t kind, arch, rev, counts[CFG_NARRAYS];
	size_t hdr, desc_off, off;
	uint64_t total;
	cell_config *cfg;
	bool rev13;
	int err;
	size_t i, j;

	if (!ctx || !out || (!data && size))
		return cell__err(ctx, -EINVAL, "cell_config_decode: NULL argument");
	if (size == 0)
		return cell__err(ctx, -ENODATA, "empty input: no configuration header");
	if (size >= 6 && !memcmp(p, CELL_ABI_SYSTEM_SIGNATURE_13, 6)) {
		kind = CELL_CONFIG_SYSTEM;
		rev13 = true;
	} else if (size >= 6 && !memcmp(p, CELL_ABI_CELL_SIGNATURE_13, 6)) {
		kind = CELL_CONFIG_CELL;
		rev13 = true;
	} else if (size >= 5 && !memcmp(p, CELL_ABI_SYSTEM_SIGNATURE, 5)) {
		kind = CELL_CONFIG_SYSTEM;
		rev13 = false;
	} else if (size >= 5 && !memcmp(p, CELL_ABI_CELL_SIGNATURE, 5)) {
		kind = CELL_CONFIG_CELL;
		rev13 = false;
	} else {
		char sig[16];
		size_t n = size < 6 ? size : 6;

		for (i = 0; i < n; i++)
			sig[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
		sig[n] = '\0';
		return cell__err(ctx, -EBADMSG,
				 "offset 0: signature \"%s\" is neither JHSYS/JHCLL (revision 14) nor JHSYST/JHCELL (revision 13)",
				 sig);
	}
	hdr = kind == CELL_CONFIG_SYSTEM ? SYS_HDR : CELL_HDR;
	desc_off = kind == CELL_CONFIG_SYSTEM ? ROOT_OFF : 0;
	if (size < hdr)
		return cell__err(ctx, -ENODATA,
				 "truncated header: %zu bytes, a %s configuration header needs %zu",
				 size, kind == CELL_CONFIG_SYSTEM ? "system" : "cell", hdr);
	rev = cell__le16(p + 6);
	if (rev != (rev13 ? CELL_CONFIG_REVISION_13 : CELL_CONFIG_REVISION))
		return cell__err(ctx, -EBADMSG,
				 "offset 6: revision %u not supported with signature %.*s (expected %u)",
				 rev, rev13 ? 6 : 5, (const char *)p,
				 rev13 ? CELL_CONFIG_REVISION_13 : CELL_CONFIG_REVISION);
	if (rev13) {
		arch = guess_arch_rev13(p, size, kind == CELL_CONFIG_SYSTEM);
	} else {
		arch = p[5];
		if (!valid_arch(arch))
			return cell__err(ctx, -EBADMSG,
					 "offset 5: unknown architecture code %u (0 x86, 1 arm, 2 arm64)",
					 arch);
	}

	/* The API keeps at least one byte of CPU set (cell_config_set_cpu_set_size),
	 * so an empty one could not survive the JSON round trip. */
	if (!cell__le32(p + desc_off + 48))
		return cell__err(ctx, -EBADMSG,
				 "offset %zu: cpu_set_size is 0; a CPU set has at least one byte",
				 desc_off + 48);
	/* Validate the whole size before allocating anything. */
	total = hdr + (uint64_t)cell__le32(p + desc_off + 48);
	if (cell__le32(p + desc_off + 48) > MAX_CPU_SET)
		return cell__err(ctx, -EOVERFLOW,
				 "offset %zu: cpu_set_size %u exceeds the %u bytes a CPU set may have",
				 desc_off + 48, cell__le32(p + desc_off + 48), MAX_CPU_SET);
	if (total > size)
		return cell__err(ctx, -EOVERFLOW,
				 "offset %zu: CPU set (%u bytes at offset %zu) runs past the end of the %zu-byte input",
				 desc_off + 48, cell__le32(p + desc_off + 48), hdr, size);
	for (i = 0; i < CFG_NARRAYS; i++) {
		uint64_t start = total;

		counts[i] = cell__le32(p + desc_off + count_off[i]);
		total += (uint64_t)counts[i] * array_info[i].disk_size;
		if (total > size)
			return cell__err(ctx, -EOVERFLOW,
					 "offset %zu: %s (%u entries of %zu bytes from offset %llu) runs past the end of the %zu-byte input",
					 desc_off + count_off[i], array_info[i].name,
					 counts[i], array_info[i].disk_size,
					 (unsigned long long)start, size);
	}
	if (total < size)
		return cell__err(ctx, -E2BIG,
				 "offset %llu: %llu bytes of trailing data after the last array",
				 (unsigned long long)total,
				 (unsigned long long)(size - total));

	err = cell_config_new(ctx, &cfg, kind,
			      valid_arch(arch) ? arch : CELL_ARCH_ARM64);
	if (err)
		return err;
	cfg->arch = arch;
	cfg->revision = rev;

	if (kind == CELL_CONFIG_SYSTEM) {
		static const uint8_t zero[8];
		const uint8_t *r = p + ROOT_OFF;

		err = get_system(cfg, p);
		if (err)
			goto fail;
		/* Upstream leaves the embedded root header zeroed; accept both. */
		if (!memcmp(r, zero, 8)) {
			cfg->root_stamped = false;
		} else if (rev13 ? (!memcmp(r, CELL_ABI_CELL_SIGNATURE_13, 6) &&
				    cell__le16(r + 6) == rev) :
				   (!memcmp(r, CELL_ABI_CELL_SIGNATURE, 5) &&
				    r[5] == arch && cell__le16(r + 6) == rev)) {
			cfg->root_stamped = true;
		} else {
			err = cell__err(ctx, -EBADMSG,
					"offset %zu: root cell header is neither zero nor a matching cell signature, architecture and revision",
					ROOT_OFF);
			goto fail;
		}
	}
	err = get_desc(ctx, p + desc_off, desc_off, &cfg->desc);
	if (err)
		goto fail;

	off = hdr;
	cfg->cpu_set_size = cell__le32(p + desc_off + 48);
	free(cfg->cpu_set);
	cfg->cpu_set = malloc(cfg->cpu_set_size ? cfg->cpu_set_size : 1);
	if (!cfg->cpu_set) {
		err = cell__err(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(cfg->cpu_set, p + off, cfg->cpu_set_size);
	off += cfg->cpu_set_size;

	for (i = 0; i < CFG_NARRAYS; i++) {
		struct cfg_arr *arr = &cfg->arr[i];

		if (!counts[i])
			continue;
		arr->items = calloc(counts[i], arr->elsize);
		if (!arr->items) {
			err = cell__err(ctx, -ENOMEM, "out of memory for %u %s",
					counts[i], array_info[i].name);
			goto fail;
		}
		arr->count = arr->cap = counts[i];
		for (j = 0; j < counts[i]; j++) {
			err = get_element(cfg, i, p + off,
					  (uint8_t *)arr->items + j * arr->elsize);
			if (err)
				goto fail;
			off += array_info[i].disk_size;
		}
	}
	*out = cfg;
	return 0;
fail:
	cell_config_free(cfg);
	return err;
}

int cell_config_load(cell_ctx *ctx, cell_config **out, const char *path)
{
	uint8_t *buf;
	size_t size;
	int err;

	if (!ctx || !out || !path)
		return cell__err(ctx, -EINVAL, "cell_config_load: NULL argument");
	err = cell__read_file(ctx, path, MAX_FILE_SIZE, &buf, &size);
	if (err)
		return err;
	err = cell_config_decode(ctx, out, buf, size);
	free(buf);
	if (err) {
		char msg[CELL_ERRMSG_MAX];

		/* Prefix the decoder's message with the file name. */
		snprintf(msg, sizeof(msg), "%s", cell_ctx_last_error(ctx));
		cell__err(ctx, err, "%s: %s", path, msg);
	}
	return err;
}

/* ---- encoding --------------------------------------------------------- */

int64_t cell_config_encoded_size(const cell_config *cfg)
{
	uint64_t total;
	size_t i;

	if (!cfg)
		return -EINVAL;
	total = (cfg->kind == CELL_CONFIG_SYSTEM ? SYS_HDR : CELL_HDR) +
		(uint64_t)cfg->cpu_set_size;
	for (i = 0; i < CFG_NARRAYS; i++) {
		if (cfg->arr[i].count > UINT32_MAX)
			return cell__err(cfg->ctx, -EOVERFLOW,
					 "%s: %zu entries do not fit a 32-bit count",
					 array_info[i].name, cfg->arr[i].count);
		total += (uint64_t)cfg->arr[i].count * array_info[i].disk_size;
	}
	if (total > INT64_MAX)
		return -EOVERFLOW;
	return (int64_t)total;
}

static void put_console(uint8_t *p, const struct cell_console *c)
{
	cell__put64(p + 0, c->address);
	cell__put32(p + 8, c->size);
	cell__put16(p + 12, c->type);
	cell__put16(p + 14, c->flags);
	cell__put32(p + 16, c->divider);
	cell__put32(p + 20, c->gate_nr);
	cell__put64(p + 24, c->clock_reg);
}

static void put_memory(uint8_t *p, const struct cell_memory *m)
{
	cell__put64(p + 0, m->phys_start);
	cell__put64(p + 8, m->virt_start);
	cell__put64(p + 16, m->size);
	cell__put64(p + 24, m->flags);
}

static void put_iommu(uint8_t *p, const struct cell_iommu *u)
{
	cell__put32(p + 0, u->type);
	cell__put64(p + 4, u->base);
	cell__put32(p + 12, u->size);
	if (u->type == CELL_IOMMU_PVU) {
		cell__put64(p + 16, u->tipvu_tlb_base);
	} else {
		cell__put16(p + 16, u->amd_bdf);
		p[18] = u->amd_base_cap;
		p[19] = u->amd_msi_cap;
		cell__put32(p + 20, u->amd_features);
	}
	cell__put32(p + 24, u->tipvu_tlb_size);
}

static void put_signature(uint8_t *p, bool system, uint32_t rev, uint32_t arch)
{
	if (rev == CELL_CONFIG_REVISION_13) {
		memcpy(p, system ? CELL_ABI_SYSTEM_SIGNATURE_13 :
				   CELL_ABI_CELL_SIGNATURE_13, 6);
	} else {
		memcpy(p, system ? CELL_ABI_SYSTEM_SIGNATURE :
				   CELL_ABI_CELL_SIGNATURE, 5);
		p[5] = (uint8_t)arch;
	}
	cell__put16(p + 6, (uint16_t)rev);
}

static void put_desc(uint8_t *p, const cell_config *cfg)
{
	const struct cell_desc *d = &cfg->desc;
	static const size_t count_off[CFG_NARRAYS] = {
		[CFG_MEM] = 52, [CFG_CACHE] = 56, [CFG_IRQCHIP] = 60,
		[CFG_PIO] = 64, [CFG_PCIDEV] = 68, [CFG_PCICAP] = 72,
		[CFG_STREAMID] = 76,
	};
	size_t i;

	memcpy(p + 8, d->name, strnlen(d->name, CELL_NAME_MAX));
	cell__put32(p + 40, d->id);
	cell__put32(p + 44, d->flags);
	cell__put32(p + 48, cfg->cpu_set_size);
	for (i = 0; i < CFG_NARRAYS; i++)
		cell__put32(p + count_off[i], (uint32_t)cfg->arr[i].count);
	cell__put32(p + 80, d->vpci_irq_base);
	cell__put64(p + 84, d->cpu_reset_address);
	cell__put64(p + 92, d->msg_reply_timeout);
	put_console(p + 100, &d->console);
}

static void put_element(enum cfg_array a, uint8_t *p, const void *in)
{
	switch (a) {
	case CFG_MEM:
		put_memory(p, in);
		break;
	case CFG_CACHE: {
		const struct cell_cache *c = in;

		cell__put32(p, c->start);
		cell__put32(p + 4, c->size);
		p[8] = c->type;
		p[9] = c->padding;
		cell__put16(p + 10, c->flags);
		break;
	}
	case CFG_IRQCHIP: {
		const struct cell_irqchip *c = in;
		int w;

		cell__put64(p, c->address);
		cell__put32(p + 8, c->id);
		cell__put32(p + 12, c->pin_base);
		for (w = 0; w < 4; w++)
			cell__put32(p + 16 + 4 * w, c->pin_bitmap[w]);
		break;
	}
	case CFG_PIO: {
		const struct cell_pio *c = in;

		cell__put16(p, c->base);
		cell__put16(p + 2, c->length);
		break;
	}
	case CFG_PCIDEV: {
		const struct cell_pci_device *d = in;
		int b;

		p[0] = d->type;
		p[1] = d->iommu;
		cell__put16(p + 2, d->domain);
		cell__put16(p + 4, d->bdf);
		for (b = 0; b < 6; b++)
			cell__put32(p + 6 + 4 * b, d->bar_mask[b]);
		cell__put16(p + 30, d->caps_start);
		cell__put16(p + 32, d->num_caps);
		p[34] = d->num_msi_vectors;
		p[35] = d->msi_flags;
		cell__put16(p + 36, d->num_msix_vectors);
		cell__put16(p + 38, d->msix_region_size);
		cell__put64(p + 40, d->msix_address);
		cell__put32(p + 48, d->shmem_regions_start);
		p[52] = d->shmem_dev_id;
		p[53] = d->shmem_peers;
		cell__put16(p + 54, d->shmem_protocol);
		break;
	}
	case CFG_PCICAP: {
		const struct cell_pci_capability *c = in;

		cell__put16(p, c->id);
		cell__put16(p + 2, c->start);
		cell__put16(p + 4, c->len);
		cell__put16(p + 6, c->flags);
		break;
	}
	case CFG_STREAMID:
		cell__put32(p, *(const uint32_t *)in);
		break;
	default:
		break;
	}
}

static void put_system(uint8_t *p, const cell_config *cfg)
{
	const struct cell_platform *pl = &cfg->sys.platform;
	uint8_t *u = p + 312;
	unsigned int i;

	cell__put32(p + 8, cfg->sys.flags);
	put_memory(p + 12, &cfg->sys.hypervisor_memory);
	put_console(p + 44, &cfg->sys.debug_console);
	cell__put64(p + 76, pl->pci_mmconfig_base);
	p[84] = pl->pci_mmconfig_end_bus;
	p[85] = pl->pci_is_virtual;
	cell__put16(p + 86, pl->pci_domain);
	for (i = 0; i < CELL_IOMMU_MAX; i++)
		put_iommu(p + 88 + i * sizeof(struct cell_abi_iommu), &cfg->iommu[i]);
	if (is_arm(cfg->arch)) {
		u[0] = pl->arm_maintenance_irq;
		u[1] = pl->arm_gic_version;
		cell__put64(u + 4, pl->arm_gicd_base);
		cell__put64(u + 12, pl->arm_gicc_base);
		cell__put64(u + 20, pl->arm_gich_base);
		cell__put64(u + 28, pl->arm_gicv_base);
		cell__put64(u + 36, pl->arm_gicr_base);
	} else {
		cell__put16(u + 0, pl->x86_pm_timer_address);
		u[2] = pl->x86_apic_mode;
		cell__put32(u + 4, pl->x86_vtd_interrupt_limit);
		cell__put32(u + 8, pl->x86_tsc_khz);
		cell__put32(u + 12, pl->x86_apic_khz);
	}
}

int cell_config_encode(const cell_config *cfg, void *buf, size_t size,
		       size_t *written)
{
	uint8_t *p = buf;
	size_t off, i, j;
	bool system;
	int64_t need;
	int err;

	if (!cfg || (!buf && size))
		return null_arg(cfg, __func__);
	if (cfg->revision == CELL_CONFIG_REVISION && !valid_arch(cfg->arch))
		return cell__err(cfg->ctx, -EBADMSG,
				 "revision 14 needs an architecture: set one with cell_config_set_arch()");
	if (cfg->kind == CELL_CONFIG_SYSTEM && !valid_arch(cfg->arch))
		return cell__err(cfg->ctx, -EBADMSG,
				 "a system configuration needs an architecture for its platform info");
	err = cell__config_check_rev13(cfg);
	if (err)
		return err;
	need = cell_config_encoded_size(cfg);
	if (need < 0)
		return (int)need;
	if (written)
		*written = (size_t)need;
	if ((uint64_t)need > size)
		return cell__err(cfg->ctx, -ENOSPC,
				 "encoding needs %lld bytes, buffer has %zu",
				 (long long)need, size);
	memset(p, 0, (size_t)need);
	system = cfg->kind == CELL_CONFIG_SYSTEM;
	put_signature(p, system, cfg->revision, cfg->arch);
	if (system) {
		put_system(p, cfg);
		if (cfg->root_stamped)
			put_signature(p + ROOT_OFF, false, cfg->revision, cfg->arch);
		put_desc(p + ROOT_OFF, cfg);
		off = SYS_HDR;
	} else {
		put_desc(p, cfg);
		off = CELL_HDR;
	}
	memcpy(p + off, cfg->cpu_set, cfg->cpu_set_size);
	off += cfg->cpu_set_size;
	for (i = 0; i < CFG_NARRAYS; i++) {
		const struct cfg_arr *arr = &cfg->arr[i];

		for (j = 0; j < arr->count; j++) {
			put_element(i, p + off,
				    (const uint8_t *)arr->items + j * arr->elsize);
			off += array_info[i].disk_size;
		}
	}
	return 0;
}

int cell_config_encode_alloc(const cell_config *cfg, uint8_t **out,
			     size_t *size)
{
	int64_t need;
	uint8_t *buf;
	int err;

	if (!cfg || !out || !size)
		return null_arg(cfg, __func__);
	need = cell_config_encoded_size(cfg);
	if (need < 0)
		return (int)need;
	buf = malloc((size_t)need);
	if (!buf)
		return cell__err(cfg->ctx, -ENOMEM, "out of memory");
	err = cell_config_encode(cfg, buf, (size_t)need, NULL);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*size = (size_t)need;
	return 0;
}

int cell_config_save(const cell_config *cfg, const char *path)
{
	uint8_t *buf;
	size_t size;
	int err;

	if (!cfg || !path)
		return null_arg(cfg, __func__);
	err = cell_config_encode_alloc(cfg, &buf, &size);
	if (err)
		return err;
	err = cell__write_file_atomic(cfg->ctx, path, buf, size);
	free(buf);
	return err;
}

/* ---- header accessors ------------------------------------------------- */

uint32_t cell_config_kind(const cell_config *cfg)
{
	return cfg ? cfg->kind : 0;
}

uint32_t cell_config_arch(const cell_config *cfg)
{
	return cfg ? cfg->arch : CELL_ARCH_UNKNOWN;
}

int cell_config_set_arch(cell_config *cfg, uint32_t arch)
{
	if (!cfg)
		return -EINVAL;
	if (!valid_arch(arch))
		return cell__err(cfg->ctx, -EINVAL, "unknown architecture code %u", arch);
	cfg->arch = arch;
	return 0;
}

uint32_t cell_config_revision(const cell_config *cfg)
{
	return cfg ? cfg->revision : 0;
}

int cell_config_set_revision(cell_config *cfg, uint32_t revision)
{
	if (!cfg)
		return -EINVAL;
	if (revision != CELL_CONFIG_REVISION && revision != CELL_CONFIG_REVISION_13)
		return cell__err(cfg->ctx, -EINVAL,
				 "revision %u cannot be written (14 or 13)", revision);
	cfg->revision = revision;
	return 0;
}

cell_ctx *cell_config_ctx(const cell_config *cfg)
{
	return cfg ? cfg->ctx : NULL;
}

int cell_config_root_stamped(const cell_config *cfg)
{
	if (!cfg || cfg->kind != CELL_CONFIG_SYSTEM)
		return -EINVAL;
	return cfg->root_stamped;
}

int cell_config_set_root_stamped(cell_config *cfg, int stamped)
{
	if (!cfg || cfg->kind != CELL_CONFIG_SYSTEM)
		return cfg ? cell__err(cfg->ctx, -EINVAL,
				       "only a system configuration embeds a root cell") :
			     -EINVAL;
	cfg->root_stamped = stamped != 0;
	return 0;
}

int cell_config_get_desc(const cell_config *cfg, struct cell_desc *out)
{
	if (!cfg || !out)
		return null_arg(cfg, __func__);
	*out = cfg->desc;
	return 0;
}

int cell_config_set_desc(cell_config *cfg, const struct cell_desc *in)
{
	size_t len;

	if (!cfg || !in)
		return null_arg(cfg, __func__);
	len = strnlen(in->name, sizeof(in->name));
	if (len > CELL_NAME_MAX)
		return cell__err(cfg->ctx, -EINVAL,
				 "cell name is not NUL-terminated within %u characters",
				 CELL_NAME_MAX);
	if (in->reserved)
		return cell__err(cfg->ctx, -EINVAL, "cell_desc.reserved must be zero");
	cfg->desc = *in;
	/* Normalise the bytes after the terminator: they are not encoded. */
	memset(cfg->desc.name + len, 0, sizeof(cfg->desc.name) - len);
	return 0;
}

const char *cell_config_name(const cell_config *cfg)
{
	return cfg ? cfg->desc.name : "";
}

int cell_config_set_name(cell_config *cfg, const char *name)
{
	size_t len;

	if (!cfg || !name)
		return null_arg(cfg, __func__);
	len = strlen(name);
	if (len > CELL_NAME_MAX)
		return cell__err(cfg->ctx, -ENAMETOOLONG,
				 "cell name \"%.40s...\" is %zu characters, at most %u fit",
				 name, len, CELL_NAME_MAX);
	memset(cfg->desc.name, 0, sizeof(cfg->desc.name));
	memcpy(cfg->desc.name, name, len);
	return 0;
}

/* The -ENOTSUP of the accessors a non-root cell lacks. */
static int not_system(const cell_config *cfg)
{
	return cell__err(cfg->ctx, -ENOTSUP,
			 "cell \"%s\" is not a system configuration", cfg->desc.name);
}

int cell_config_get_system(const cell_config *cfg, struct cell_system *out)
{
	if (!cfg || !out)
		return null_arg(cfg, __func__);
	if (cfg->kind != CELL_CONFIG_SYSTEM)
		return not_system(cfg);
	*out = cfg->sys;
	return 0;
}

int cell_config_set_system(cell_config *cfg, const struct cell_system *in)
{
	size_t i;

	if (!cfg || !in)
		return null_arg(cfg, __func__);
	if (cfg->kind != CELL_CONFIG_SYSTEM)
		return not_system(cfg);
	if (in->reserved)
		return cell__err(cfg->ctx, -EINVAL, "cell_system.reserved must be zero");
	for (i = 0; i < sizeof(in->platform.reserved); i++)
		if (in->platform.reserved[i])
			return cell__err(cfg->ctx, -EINVAL,
					 "cell_platform.reserved must be zero");
	cfg->sys = *in;
	return 0;
}

/* The argument checks of the IOMMU slot accessors; @fn names the caller. */
static int check_iommu_args(const cell_config *cfg, uint32_t index,
			    const void *unit, const char *fn)
{
	if (!cfg || !unit)
		return null_arg(cfg, fn);
	if (cfg->kind != CELL_CONFIG_SYSTEM)
		return cell__err(cfg->ctx, -ENOTSUP,
				 "IOMMU units exist only in a system configuration");
	if (index >= CELL_IOMMU_MAX)
		return cell__err(cfg->ctx, -ERANGE, "IOMMU unit %u: only %u slots",
				 index, CELL_IOMMU_MAX);
	return 0;
}

int cell_config_iommu_get(const cell_config *cfg, uint32_t index,
			  struct cell_iommu *out)
{
	int ret = check_iommu_args(cfg, index, out, __func__);

	if (ret)
		return ret;
	*out = cfg->iommu[index];
	return 0;
}

int cell_config_iommu_set(cell_config *cfg, uint32_t index,
			  const struct cell_iommu *in)
{
	int ret = check_iommu_args(cfg, index, in, __func__);

	if (ret)
		return ret;
	if (in->reserved)
		return cell__err(cfg->ctx, -EINVAL, "cell_iommu.reserved must be zero");
	cfg->iommu[index] = *in;
	return 0;
}

/* ---- CPU set ------------------------------------------------------------ */

uint32_t cell_config_cpu_set_size(const cell_config *cfg)
{
	return cfg ? cfg->cpu_set_size : 0;
}

int cell_config_set_cpu_set_size(cell_config *cfg, uint32_t bytes)
{
	uint8_t *set;

	if (!cfg || !bytes)
		return cell__err(cfg ? cfg->ctx : NULL, -EINVAL,
				 "CPU set size must be at least one byte");
	if (bytes > MAX_CPU_SET)
		return cell__err(cfg->ctx, -E2BIG, "CPU set of %u bytes exceeds %u",
				 bytes, MAX_CPU_SET);
	set = calloc(1, bytes);
	if (!set)
		return cell__err(cfg->ctx, -ENOMEM, "out of memory");
	memcpy(set, cfg->cpu_set, bytes < cfg->cpu_set_size ? bytes : cfg->cpu_set_size);
	free(cfg->cpu_set);
	cfg->cpu_set = set;
	cfg->cpu_set_size = bytes;
	return 0;
}

int cell_config_cpus(const cell_config *cfg, uint32_t *out, uint32_t max)
{
	uint32_t cpu, n = 0;

	if (!cfg || (!out && max))
		return -EINVAL;
	for (cpu = 0; cpu < cfg->cpu_set_size * 8; cpu++) {
		if (!(cfg->cpu_set[cpu / 8] & (1u << (cpu % 8))))
			continue;
		if (n < max)
			out[n] = cpu;
		n++;
	}
	return (int)n;
}

int cell_config_has_cpu(const cell_config *cfg, uint32_t cpu)
{
	if (!cfg)
		return -EINVAL;
	if (cpu / 8 >= cfg->cpu_set_size)
		return 0;
	return !!(cfg->cpu_set[cpu / 8] & (1u << (cpu % 8)));
}

int cell_config_add_cpu(cell_config *cfg, uint32_t cpu)
{
	int err;

	if (!cfg)
		return -EINVAL;
	if (cpu >= MAX_CPU_SET * 8)
		return cell__err(cfg->ctx, -E2BIG, "CPU %u is beyond the %u a set can hold",
				 cpu, MAX_CPU_SET * 8);
	if (cpu / 8 >= cfg->cpu_set_size) {
		/* Grow in u64 steps, the unit upstream configs use. */
		err = cell_config_set_cpu_set_size(cfg, (cpu / 64 + 1) * 8);
		if (err)
			return err;
	}
	cfg->cpu_set[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
	return 0;
}

int cell_config_remove_cpu(cell_config *cfg, uint32_t cpu)
{
	if (!cfg)
		return -EINVAL;
	if (cpu / 8 < cfg->cpu_set_size)
		cfg->cpu_set[cpu / 8] &= (uint8_t)~(1u << (cpu % 8));
	return 0;
}

/* ---- arrays ------------------------------------------------------------- */

int cell__config_array_count(const cell_config *cfg, enum cfg_array a)
{
	if (!cfg)
		return -EINVAL;
	return (int)cfg->arr[a].count;
}

const void *cell__config_array_items(const cell_config *cfg, enum cfg_array a)
{
	return cfg->arr[a].items;
}

int cell__config_array_get(const cell_config *cfg, enum cfg_array a,
			   uint32_t index, void *out)
{
	const struct cfg_arr *arr;

	if (!cfg || !out)
		return cell__err(cfg ? cfg->ctx : NULL, -EINVAL, "NULL argument");
	arr = &cfg->arr[a];
	if (index >= arr->count)
		return cell__err(cfg->ctx, -ERANGE, "%s[%u]: only %zu entries",
				 array_info[a].name, index, arr->count);
	memcpy(out, (const uint8_t *)arr->items + index * arr->elsize, arr->elsize);
	return 0;
}

int cell__config_array_set(cell_config *cfg, enum cfg_array a, uint32_t index,
			   const void *in)
{
	struct cfg_arr *arr;

	if (!cfg || !in)
		return cell__err(cfg ? cfg->ctx : NULL, -EINVAL, "NULL argument");
	arr = &cfg->arr[a];
	if (index >= arr->count)
		return cell__err(cfg->ctx, -ERANGE, "%s[%u]: only %zu entries",
				 array_info[a].name, index, arr->count);
	memcpy((uint8_t *)arr->items + index * arr->elsize, in, arr->elsize);
	return 0;
}

int cell__config_array_insert(cell_config *cfg, enum cfg_array a,
			      uint32_t index, const void *in)
{
	struct cfg_arr *arr;
	uint8_t *items;

	if (!cfg || !in)
		return cell__err(cfg ? cfg->ctx : NULL, -EINVAL, "NULL argument");
	arr = &cfg->arr[a];
	if (index > arr->count)
		return cell__err(cfg->ctx, -ERANGE,
				 "%s: cannot insert at %u, only %zu entries",
				 array_info[a].name, index, arr->count);
	if (arr->count >= UINT32_MAX)
		return cell__err(cfg->ctx, -EOVERFLOW, "%s: 32-bit count exhausted",
				 array_info[a].name);
	if (arr->count == arr->cap) {
		size_t cap = arr->cap ? arr->cap * 2 : 8, bytes;

		if (cell__mul_overflow(cap, arr->elsize, &bytes))
			return cell__err(cfg->ctx, -ENOMEM, "out of memory");
		items = realloc(arr->items, bytes);
		if (!items)
			return cell__err(cfg->ctx, -ENOMEM, "out of memory");
		arr->items = items;
		arr->cap = cap;
	}
	items = arr->items;
	memmove(items + (index + 1) * arr->elsize, items + index * arr->elsize,
		(arr->count - index) * arr->elsize);
	memcpy(items + index * arr->elsize, in, arr->elsize);
	arr->count++;
	return 0;
}

int cell__config_array_remove(cell_config *cfg, enum cfg_array a,
			      uint32_t index)
{
	struct cfg_arr *arr;
	uint8_t *items;

	if (!cfg)
		return -EINVAL;
	arr = &cfg->arr[a];
	if (index >= arr->count)
		return cell__err(cfg->ctx, -ERANGE, "%s[%u]: only %zu entries",
				 array_info[a].name, index, arr->count);
	items = arr->items;
	memmove(items + index * arr->elsize, items + (index + 1) * arr->elsize,
		(arr->count - index - 1) * arr->elsize);
	arr->count--;
	return 0;
}

#define ARRAY_API(name, type, a)						\
int cell_config_##name##_count(const cell_config *cfg)				\
{										\
	return cell__config_array_count(cfg, a);				\
}										\
int cell_config_##name##_get(const cell_config *cfg, uint32_t index,		\
			     type *out)						\
{										\
	return cell__config_array_get(cfg, a, index, out);			\
}										\
int cell_config_##name##_set(cell_config *cfg, uint32_t index, const type *in)	\
{										\
	return cell__config_array_set(cfg, a, index, in);			\
}										\
int cell_config_##name##_insert(cell_config *cfg, uint32_t index,		\
				const type *in)					\
{										\
	return cell__config_array_insert(cfg, a, index, in);			\
}										\
int cell_config_##name##_remove(cell_config *cfg, uint32_t index)		\
{										\
	return cell__config_array_remove(cfg, a, index);			\
}

ARRAY_API(memory, struct cell_memory, CFG_MEM)
ARRAY_API(cache, struct cell_cache, CFG_CACHE)
ARRAY_API(irqchip, struct cell_irqchip, CFG_IRQCHIP)
ARRAY_API(pio, struct cell_pio, CFG_PIO)
ARRAY_API(pci_device, struct cell_pci_device, CFG_PCIDEV)
ARRAY_API(pci_cap, struct cell_pci_capability, CFG_PCICAP)
ARRAY_API(stream_id, uint32_t, CFG_STREAMID)

int cell_config_memory_carve(cell_config *cfg, uint64_t base, uint64_t size)
{
	uint64_t end;
	uint32_t i;
	int changed = 0, err;

	if (!cfg)
		return -EINVAL;
	if (size > UINT64_MAX - base)
		return cell__err(cfg->ctx, -EINVAL,
				 "carve range 0x%llx+0x%llx wraps past 2^64",
				 (unsigned long long)base, (unsigned long long)size);
	end = base + size;
	for (i = 0; i < cfg->arr[CFG_MEM].count; i++) {
		struct cell_memory *m = (struct cell_memory *)cfg->arr[CFG_MEM].items + i;
		struct cell_memory tail;
		uint64_t mend;

		if ((m->flags & CELL_MEM_COMM_REGION) || !m->size ||
		    m->size > UINT64_MAX - m->phys_start)
			continue;
		mend = m->phys_start + m->size;
		if (mend <= base || m->phys_start >= end)
			continue;
		changed++;
		if (m->phys_start >= base && mend <= end) {
			err = cell__config_array_remove(cfg, CFG_MEM, i);
			if (err)
				return err;
			i--;
			continue;
		}
		if (m->phys_start < base && mend > end) {
			tail = *m;
			tail.phys_start = end;
			tail.virt_start = m->virt_start + (end - m->phys_start);
			tail.size = mend - end;
			m->size = base - m->phys_start;
			err = cell__config_array_insert(cfg, CFG_MEM, i + 1, &tail);
			if (err)
				return err;
			i++;
			continue;
		}
		if (m->phys_start < base) {
			m->size = base - m->phys_start;
		} else {
			m->virt_start += end - m->phys_start;
			m->size = mend - end;
			m->phys_start = end;
		}
	}
	return changed;
}

int cell_config_memory_find(const cell_config *cfg, const struct cell_memory *m)
{
	const struct cell_memory *items;
	size_t i;

	if (!cfg || !m)
		return -EINVAL;
	items = cfg->arr[CFG_MEM].items;
	for (i = 0; i < cfg->arr[CFG_MEM].count; i++)
		if (!memcmp(&items[i], m, sizeof(*m)))
			return (int)i;
	return -ENOENT;
}
