/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Lossless JSON form of cell configurations (docs/config-json.md).
 *
 * Both directions are driven by the same field tables, so a key added to a
 * table is written by cell_config_to_json() and accepted by
 * cell_config_from_json() at once. The configuration is only touched through
 * the public accessors of <libcell/config.h>.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <libcell/config.h>

#include "config_internal.h"
#include "internal.h"

/* ------------------------------------------------------------------------
 * Symbol tables
 */
struct sym {
	const char *name;
	uint64_t val;
};

#define SYM_END { NULL, 0 }

static const struct sym mem_flags[] = {
	{ "READ", CELL_MEM_READ },
	{ "WRITE", CELL_MEM_WRITE },
	{ "EXECUTE", CELL_MEM_EXECUTE },
	{ "DMA", CELL_MEM_DMA },
	{ "IO", CELL_MEM_IO },
	{ "COMM_REGION", CELL_MEM_COMM_REGION },
	{ "LOADABLE", CELL_MEM_LOADABLE },
	{ "ROOTSHARED", CELL_MEM_ROOTSHARED },
	{ "NO_HUGEPAGES", CELL_MEM_NO_HUGEPAGES },
	{ "IO_UNALIGNED", CELL_MEM_IO_UNALIGNED },
	{ "IO_8", CELL_MEM_IO_8 },
	{ "IO_16", CELL_MEM_IO_16 },
	{ "IO_32", CELL_MEM_IO_32 },
	{ "IO_64", CELL_MEM_IO_64 },
	SYM_END
};

static const struct sym cell_flags[] = {
	{ "PASSIVE_COMMREG", CELL_FLAG_PASSIVE_COMMREG },
	{ "TEST_DEVICE", CELL_FLAG_TEST_DEVICE },
	{ "AARCH32", CELL_FLAG_AARCH32 },
	{ "VIRTUAL_CONSOLE_PERMITTED", CELL_FLAG_VIRTUAL_CONSOLE_PERMITTED },
	{ "VIRTUAL_CONSOLE_ACTIVE", CELL_FLAG_VIRTUAL_CONSOLE_ACTIVE },
	SYM_END
};

static const struct sym sys_flags[] = {
	{ "VIRTUAL_DEBUG_CONSOLE", CELL_SYS_VIRTUAL_DEBUG_CONSOLE },
	SYM_END
};

static const struct sym con_types[] = {
	{ "NONE", CELL_CON_TYPE_NONE },
	{ "EFIFB", CELL_CON_TYPE_EFIFB },
	{ "8250", CELL_CON_TYPE_8250 },
	{ "PL011", CELL_CON_TYPE_PL011 },
	{ "XUARTPS", CELL_CON_TYPE_XUARTPS },
	{ "MVEBU", CELL_CON_TYPE_MVEBU },
	{ "HSCIF", CELL_CON_TYPE_HSCIF },
	{ "SCIFA", CELL_CON_TYPE_SCIFA },
	{ "IMX", CELL_CON_TYPE_IMX },
	{ "IMX_LPUART", CELL_CON_TYPE_IMX_LPUART },
	{ "SCIF", CELL_CON_TYPE_SCIF },
	SYM_END
};

static const struct sym con_flags[] = {
	{ "ACCESS_MMIO", CELL_CON_ACCESS_MMIO },
	{ "REGDIST_4", CELL_CON_REGDIST_4 },
	{ "FB_1920x1080", CELL_CON_FB_1920x1080 },
	{ "INVERTED_GATE", CELL_CON_INVERTED_GATE },
	{ "MDR_QUIRK", CELL_CON_MDR_QUIRK },
	SYM_END
};

static const struct sym cache_types[] = {
	{ "L3_CODE", 1 },
	{ "L3_DATA", 2 },
	{ "L3", 3 },
	SYM_END
};

static const struct sym cache_flags[] = {
	{ "ROOTSHARED", 1 },
	SYM_END
};

static const struct sym pci_types[] = {
	{ "DEVICE", CELL_PCI_TYPE_DEVICE },
	{ "BRIDGE", CELL_PCI_TYPE_BRIDGE },
	{ "IVSHMEM", CELL_PCI_TYPE_IVSHMEM },
	SYM_END
};

static const struct sym msi_flags[] = {
	{ "64BITS", CELL_PCI_MSI_64BITS },
	{ "MASKABLE", CELL_PCI_MSI_MASKABLE },
	SYM_END
};

static const struct sym shmem_protocols[] = {
	{ "UNDEFINED", 0 },
	{ "VETH", 1 },
	SYM_END
};

static const struct sym cap_flags[] = {
	{ "WRITE", CELL_PCICAPS_WRITE },
	SYM_END
};

static const struct sym iommu_types[] = {
	{ "AMD", CELL_IOMMU_AMD },
	{ "INTEL", CELL_IOMMU_INTEL },
	{ "SMMUV3", CELL_IOMMU_SMMUV3 },
	{ "PVU", CELL_IOMMU_PVU },
	{ "ARM_MMU500", CELL_IOMMU_ARM_MMU500 },
	SYM_END
};

static const struct sym apic_modes[] = {
	{ "AUTO", 0 },
	{ "XAPIC", 1 },
	{ "X2APIC", 2 },
	SYM_END
};

static const struct sym kinds[] = {
	{ "system", CELL_CONFIG_SYSTEM },
	{ "cell", CELL_CONFIG_CELL },
	SYM_END
};

static const struct sym archs[] = {
	{ "x86", CELL_ARCH_X86 },
	{ "arm", CELL_ARCH_ARM },
	{ "arm64", CELL_ARCH_ARM64 },
	{ "unknown", CELL_ARCH_UNKNOWN },
	SYM_END
};

const char *cell_mem_flag_name(uint64_t bit)
{
	const struct sym *s;

	for (s = mem_flags; s->name; s++)
		if (s->val == bit)
			return s->name;
	return NULL;
}

/* ------------------------------------------------------------------------
 * Field tables
 */
enum field_kind {
	F_UINT,		/* integer; mask, when set, selects low bits of the field */
	F_BOOL,		/* one bit (mask) of the field */
	F_FLAGS,	/* list of symbol names, unknown bits as "0x..." */
	F_ENUM,		/* symbol name or integer */
	F_ARRAY,	/* fixed-size array of integers, count entries */
};

struct field {
	const char *key;
	size_t off;
	uint8_t size;		/* bytes of one element */
	uint8_t kind;
	uint8_t count;		/* F_ARRAY */
	uint8_t required;	/* must be present on input */
	uint8_t quiet;		/* left out of the output while zero */
	uint64_t mask;
	const struct sym *syms;
};

#define FLD(type, k, member, fkind, req, ...) \
	{ .key = k, .off = offsetof(type, member), \
	  .size = sizeof(((type *)0)->member), .kind = fkind, \
	  .required = req, __VA_ARGS__ }
#define FLD_ARR(type, k, member, req) \
	{ .key = k, .off = offsetof(type, member), \
	  .size = sizeof(((type *)0)->member[0]), .kind = F_ARRAY, \
	  .count = sizeof(((type *)0)->member) / sizeof(((type *)0)->member[0]), \
	  .required = req }
#define FLD_END { .key = NULL }

/* @req: whether virt_start and flags must be given. */
#define MEMORY_FIELDS(req) { \
	FLD(struct cell_memory, "phys_start", phys_start, F_UINT, 1), \
	FLD(struct cell_memory, "virt_start", virt_start, F_UINT, req), \
	FLD(struct cell_memory, "size", size, F_UINT, 1), \
	FLD(struct cell_memory, "flags", flags, F_FLAGS, req, .syms = mem_flags), \
	FLD_END \
}

static const struct field memory_fields[] = MEMORY_FIELDS(1);

/* The hypervisor uses only phys_start and size of its own region. */
static const struct field hv_memory_fields[] = MEMORY_FIELDS(0);

static const struct field cache_fields[] = {
	FLD(struct cell_cache, "start", start, F_UINT, 1),
	FLD(struct cell_cache, "size", size, F_UINT, 1),
	FLD(struct cell_cache, "type", type, F_ENUM, 1, .syms = cache_types),
	FLD(struct cell_cache, "padding", padding, F_UINT, 0, .quiet = 1),
	FLD(struct cell_cache, "flags", flags, F_FLAGS, 0, .syms = cache_flags),
	FLD_END
};

static const struct field irqchip_fields[] = {
	FLD(struct cell_irqchip, "address", address, F_UINT, 1),
	FLD(struct cell_irqchip, "id", id, F_UINT, 0),
	FLD(struct cell_irqchip, "pin_base", pin_base, F_UINT, 1),
	FLD_ARR(struct cell_irqchip, "pin_bitmap", pin_bitmap, 1),
	FLD_END
};

static const struct field pio_fields[] = {
	FLD(struct cell_pio, "base", base, F_UINT, 1),
	FLD(struct cell_pio, "length", length, F_UINT, 1),
	FLD_END
};

static const struct field pci_device_fields[] = {
	FLD(struct cell_pci_device, "type", type, F_ENUM, 1, .syms = pci_types),
	FLD(struct cell_pci_device, "iommu", iommu, F_UINT, 0),
	FLD(struct cell_pci_device, "domain", domain, F_UINT, 0),
	FLD(struct cell_pci_device, "bdf", bdf, F_UINT, 1),
	FLD_ARR(struct cell_pci_device, "bar_mask", bar_mask, 0),
	FLD(struct cell_pci_device, "caps_start", caps_start, F_UINT, 0),
	FLD(struct cell_pci_device, "num_caps", num_caps, F_UINT, 0),
	FLD(struct cell_pci_device, "num_msi_vectors", num_msi_vectors, F_UINT, 0),
	FLD(struct cell_pci_device, "msi_flags", msi_flags, F_FLAGS, 0,
	    .syms = msi_flags),
	FLD(struct cell_pci_device, "num_msix_vectors", num_msix_vectors, F_UINT, 0),
	FLD(struct cell_pci_device, "msix_region_size", msix_region_size, F_UINT, 0),
	FLD(struct cell_pci_device, "msix_address", msix_address, F_UINT, 0),
	FLD(struct cell_pci_device, "shmem_regions_start", shmem_regions_start,
	    F_UINT, 0),
	FLD(struct cell_pci_device, "shmem_dev_id", shmem_dev_id, F_UINT, 0),
	FLD(struct cell_pci_device, "shmem_peers", shmem_peers, F_UINT, 0),
	FLD(struct cell_pci_device, "shmem_protocol", shmem_protocol, F_ENUM, 0,
	    .syms = shmem_protocols),
	FLD_END
};

/* The extended-capability bit of the id gets its own key. */
static const struct field pci_cap_fields[] = {
	FLD(struct cell_pci_capability, "id", id, F_UINT, 1,
	    .mask = CELL_PCI_EXT_CAP - 1),
	FLD(struct cell_pci_capability, "extended", id, F_BOOL, 0,
	    .mask = CELL_PCI_EXT_CAP),
	FLD(struct cell_pci_capability, "start", start, F_UINT, 1),
	FLD(struct cell_pci_capability, "len", len, F_UINT, 1),
	FLD(struct cell_pci_capability, "flags", flags, F_FLAGS, 0, .syms = cap_flags),
	FLD_END
};

static const struct field console_fields[] = {
	FLD(struct cell_console, "type", type, F_ENUM, 1, .syms = con_types),
	FLD(struct cell_console, "address", address, F_UINT, 0),
	FLD(struct cell_console, "size", size, F_UINT, 0),
	FLD(struct cell_console, "flags", flags, F_FLAGS, 0, .syms = con_flags),
	FLD(struct cell_console, "divider", divider, F_UINT, 0),
	FLD(struct cell_console, "gate_nr", gate_nr, F_UINT, 0),
	FLD(struct cell_console, "clock_reg", clock_reg, F_UINT, 0),
	FLD_END
};

/* The keys both views of the IOMMU unit union share. */
#define IOMMU_COMMON_FIELDS \
	FLD(struct cell_iommu, "type", type, F_ENUM, 1, .syms = iommu_types), \
	FLD(struct cell_iommu, "base", base, F_UINT, 1), \
	FLD(struct cell_iommu, "size", size, F_UINT, 1)

/* Units of every type but PVU are encoded through the AMD view of the union
 * plus the last word, which only the PVU view names. */
static const struct field iommu_fields[] = {
	IOMMU_COMMON_FIELDS,
	FLD(struct cell_iommu, "amd_bdf", amd_bdf, F_UINT, 0, .quiet = 1),
	FLD(struct cell_iommu, "amd_base_cap", amd_base_cap, F_UINT, 0, .quiet = 1),
	FLD(struct cell_iommu, "amd_msi_cap", amd_msi_cap, F_UINT, 0, .quiet = 1),
	FLD(struct cell_iommu, "amd_features", amd_features, F_UINT, 0, .quiet = 1),
	FLD(struct cell_iommu, "tipvu_tlb_size", tipvu_tlb_size, F_UINT, 0,
	    .quiet = 1),
	FLD_END
};

static const struct field iommu_pvu_fields[] = {
	IOMMU_COMMON_FIELDS,
	FLD(struct cell_iommu, "tipvu_tlb_base", tipvu_tlb_base, F_UINT, 0),
	FLD(struct cell_iommu, "tipvu_tlb_size", tipvu_tlb_size, F_UINT, 0),
	FLD_END
};

static const struct field platform_fields[] = {
	FLD(struct cell_platform, "pci_mmconfig_base", pci_mmconfig_base, F_UINT, 0),
	FLD(struct cell_platform, "pci_mmconfig_end_bus", pci_mmconfig_end_bus,
	    F_UINT, 0),
	FLD(struct cell_platform, "pci_is_virtual", pci_is_virtual, F_UINT, 0),
	FLD(struct cell_platform, "pci_domain", pci_domain, F_UINT, 0),
	FLD_END
};

static const struct field platform_arm_fields[] = {
	FLD(struct cell_platform, "maintenance_irq", arm_maintenance_irq, F_UINT, 0),
	FLD(struct cell_platform, "gic_version", arm_gic_version, F_UINT, 0),
	FLD(struct cell_platform, "gicd_base", arm_gicd_base, F_UINT, 0),
	FLD(struct cell_platform, "gicc_base", arm_gicc_base, F_UINT, 0),
	FLD(struct cell_platform, "gich_base", arm_gich_base, F_UINT, 0),
	FLD(struct cell_platform, "gicv_base", arm_gicv_base, F_UINT, 0),
	FLD(struct cell_platform, "gicr_base", arm_gicr_base, F_UINT, 0),
	FLD_END
};

static const struct field platform_x86_fields[] = {
	FLD(struct cell_platform, "pm_timer_address", x86_pm_timer_address,
	    F_UINT, 0),
	FLD(struct cell_platform, "apic_mode", x86_apic_mode, F_ENUM, 0,
	    .syms = apic_modes),
	FLD(struct cell_platform, "vtd_interrupt_limit", x86_vtd_interrupt_limit,
	    F_UINT, 0),
	FLD(struct cell_platform, "tsc_khz", x86_tsc_khz, F_UINT, 0),
	FLD(struct cell_platform, "apic_khz", x86_apic_khz, F_UINT, 0),
	FLD_END
};

static const struct field desc_fields[] = {
	FLD(struct cell_desc, "id", id, F_UINT, 0),
	FLD(struct cell_desc, "flags", flags, F_FLAGS, 0, .syms = cell_flags),
	FLD(struct cell_desc, "vpci_irq_base", vpci_irq_base, F_UINT, 0),
	FLD(struct cell_desc, "cpu_reset_address", cpu_reset_address, F_UINT, 0),
	FLD(struct cell_desc, "msg_reply_timeout", msg_reply_timeout, F_UINT, 0),
	FLD_END
};

static const struct field system_fields[] = {
	FLD(struct cell_system, "flags", flags, F_FLAGS, 0, .syms = sys_flags),
	FLD_END
};

static uint64_t width_max(const struct field *f)
{
	return f->size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * f->size)) - 1;
}

static uint64_t load(const void *base, const struct field *f, unsigned int i)
{
	const uint8_t *p = (const uint8_t *)base + f->off + (size_t)i * f->size;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->size) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

static void store(void *base, const struct field *f, unsigned int i, uint64_t v)
{
	uint8_t *p = (uint8_t *)base + f->off + (size_t)i * f->size;
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (f->size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

/* ------------------------------------------------------------------------
 * Configuration -> JSON tree
 */

/* JSON integers are signed 64-bit in jansson: larger values become strings. */
static json_t *j_uint(uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

static json_t *j_flags(uint64_t v, const struct sym *syms)
{
	json_t *arr = json_array();
	const struct sym *s;
	char buf[24];

	if (!arr)
		return NULL;
	for (s = syms; s->name; s++) {
		if (!(v & s->val))
			continue;
		v &= ~s->val;
		if (json_array_append_new(arr, json_string(s->name)))
			goto fail;
	}
	if (v) {
		snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
		if (json_array_append_new(arr, json_string(buf)))
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static json_t *j_enum(uint64_t v, const struct sym *syms)
{
	const struct sym *s;

	for (s = syms; s->name; s++)
		if (s->val == v)
			return json_string(s->name);
	return j_uint(v);
}

/* Adds the fields of @fields from @base to @obj; 0 or -ENOMEM. */
static int put_fields(json_t *obj, const void *base, const struct field *fields)
{
	const struct field *f;
	json_t *v;
	unsigned int i;

	for (f = fields; f->key; f++) {
		uint64_t raw = f->kind == F_ARRAY ? 0 : load(base, f, 0);

		switch (f->kind) {
		case F_UINT:
			if (f->mask)
				raw &= f->mask;
			if (f->quiet && !raw)
				continue;
			v = j_uint(raw);
			break;
		case F_BOOL:
			v = json_boolean(raw & f->mask);
			break;
		case F_FLAGS:
			v = j_flags(raw, f->syms);
			break;
		case F_ENUM:
			v = j_enum(raw, f->syms);
			break;
		default:
			v = json_array();
			for (i = 0; v && i < f->count; i++) {
				if (json_array_append_new(v, j_uint(load(base, f, i)))) {
					json_decref(v);
					v = NULL;
				}
			}
			break;
		}
		if (json_object_set_new(obj, f->key, v))
			return -ENOMEM;
	}
	return 0;
}

static json_t *j_fields(const void *base, const struct field *fields)
{
	json_t *obj = json_object();

	if (obj && put_fields(obj, base, fields)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static bool name_is_plain(const char name[32])
{
	size_t len = strnlen(name, 32), i;

	if (len == 32)
		return false;
	for (i = 0; i < len; i++)
		if (name[i] < 0x20 || name[i] > 0x7e)
			return false;
	for (i = len; i < 32; i++)
		if (name[i])
			return false;
	return true;
}

static json_t *j_name_raw(const char name[32])
{
	static const char hex[] = "0123456789abcdef";
	char buf[65];
	size_t i;

	for (i = 0; i < 32; i++) {
		buf[2 * i] = hex[(uint8_t)name[i] >> 4];
		buf[2 * i + 1] = hex[(uint8_t)name[i] & 15];
	}
	buf[64] = '\0';
	return json_string(buf);
}

/* The arrays of a cell, in on-disk order. */
struct array_desc {
	const char *key;
	const struct field *fields;	/* NULL: plain u32 entries */
	int (*count)(const cell_config *cfg);
	int (*get)(const cell_config *cfg, uint32_t index, void *out);
	int (*insert)(cell_config *cfg, uint32_t index, const void *in);
};

/* Adapters giving the typed accessors one signature. */
#define ARRAY_OPS(name) \
static int name##_get(const cell_config *cfg, uint32_t i, void *out) \
{ \
	return cell_config_##name##_get(cfg, i, out); \
} \
static int name##_insert(cell_config *cfg, uint32_t i, const void *in) \
{ \
	return cell_config_##name##_insert(cfg, i, in); \
}

ARRAY_OPS(memory)
ARRAY_OPS(cache)
ARRAY_OPS(irqchip)
ARRAY_OPS(pio)
ARRAY_OPS(pci_device)
ARRAY_OPS(pci_cap)
ARRAY_OPS(stream_id)

#define ARRAY(k, flds, name) \
	{ k, flds, cell_config_##name##_count, name##_get, name##_insert }

static const struct array_desc arrays[] = {
	ARRAY("memory_regions", memory_fields, memory),
	ARRAY("cache_regions", cache_fields, cache),
	ARRAY("irqchips", irqchip_fields, irqchip),
	ARRAY("pio_regions", pio_fields, pio),
	ARRAY("pci_devices", pci_device_fields, pci_device),
	ARRAY("pci_caps", pci_cap_fields, pci_cap),
	ARRAY("stream_ids", NULL, stream_id),
};

#define NUM_ARRAYS (sizeof(arrays) / sizeof(arrays[0]))

/* Room for one element of any of the arrays. */
union array_elem {
	struct cell_memory mem;
	struct cell_cache cache;
	struct cell_irqchip irqchip;
	struct cell_pio pio;
	struct cell_pci_device dev;
	struct cell_pci_capability cap;
	uint32_t u32;
};

static json_t *j_array(const cell_config *cfg, const struct array_desc *a)
{
	union array_elem elem;
	json_t *arr = json_array(), *v;
	int n = a->count(cfg), i;

	if (!arr)
		return NULL;
	for (i = 0; i < n; i++) {
		if (a->get(cfg, (uint32_t)i, &elem))
			goto fail;
		v = a->fields ? j_fields(&elem, a->fields) : j_uint(elem.u32);
		if (json_array_append_new(arr, v))
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static json_t *j_cell(const cell_config *cfg)
{
	struct cell_desc desc;
	json_t *obj, *cpus;
	uint32_t *list = NULL;
	size_t i;
	int n, stamped;

	if (cell_config_get_desc(cfg, &desc))
		return NULL;
	obj = json_object();
	if (!obj)
		return NULL;
	if (name_is_plain(desc.name)) {
		if (json_object_set_new(obj, "name", json_string(desc.name)))
			goto fail;
	} else if (json_object_set_new(obj, "name_raw", j_name_raw(desc.name))) {
		goto fail;
	}
	if (put_fields(obj, &desc, desc_fields))
		goto fail;
	if (cell_config_kind(cfg) == CELL_CONFIG_SYSTEM) {
		stamped = cell_config_root_stamped(cfg);
		if (stamped < 0 ||
		    json_object_set_new(obj, "root_stamped", json_boolean(stamped)))
			goto fail;
	}
	if (json_object_set_new(obj, "cpu_set_size",
				j_uint(cell_config_cpu_set_size(cfg))))
		goto fail;
	n = cell_config_cpus(cfg, NULL, 0);
	if (n < 0)
		goto fail;
	list = malloc((n ? (size_t)n : 1) * sizeof(*list));
	cpus = json_array();
	if (json_object_set_new(obj, "cpus", cpus) || !list ||
	    cell_config_cpus(cfg, list, (uint32_t)n) != n)
		goto fail;
	for (i = 0; i < (size_t)n; i++)
		if (json_array_append_new(cpus, j_uint(list[i])))
			goto fail;
	free(list);
	list = NULL;
	if (json_object_set_new(obj, "console", j_fields(&desc.console,
							 console_fields)))
		goto fail;
	for (i = 0; i < NUM_ARRAYS; i++)
		if (json_object_set_new(obj, arrays[i].key, j_array(cfg, &arrays[i])))
			goto fail;
	return obj;
fail:
	free(list);
	json_decref(obj);
	return NULL;
}

static json_t *j_platform(const cell_config *cfg, const struct cell_platform *pf)
{
	uint32_t arch = cell_config_arch(cfg), i, used = 0;
	struct cell_iommu units[CELL_IOMMU_MAX];
	json_t *obj = j_fields(pf, platform_fields), *arr;

	if (!obj)
		return NULL;
	/* Units up to the last non-empty slot; the remaining slots are zero. */
	for (i = 0; i < CELL_IOMMU_MAX; i++) {
		static const struct cell_iommu zero;

		if (cell_config_iommu_get(cfg, i, &units[i]))
			goto fail;
		if (memcmp(&units[i], &zero, sizeof(zero)))
			used = i + 1;
	}
	arr = json_array();
	if (json_object_set_new(obj, "iommu_units", arr))
		goto fail;
	for (i = 0; i < used; i++) {
		const struct field *f = units[i].type == CELL_IOMMU_PVU ?
					iommu_pvu_fields : iommu_fields;

		if (json_array_append_new(arr, j_fields(&units[i], f)))
			goto fail;
	}
	/* A system configuration always has a known architecture. */
	if (arch == CELL_ARCH_X86 ?
	    json_object_set_new(obj, "x86", j_fields(pf, platform_x86_fields)) :
	    json_object_set_new(obj, "arm", j_fields(pf, platform_arm_fields)))
		goto fail;
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static json_t *j_config(const cell_config *cfg)
{
	uint32_t kind = cell_config_kind(cfg);
	struct cell_system sys;
	json_t *obj = json_object();

	if (!obj)
		return NULL;
	if (json_object_set_new(obj, "kind", j_enum(kind, kinds)) ||
	    json_object_set_new(obj, "architecture",
				j_enum(cell_config_arch(cfg), archs)) ||
	    json_object_set_new(obj, "revision", j_uint(cell_config_revision(cfg))))
		goto fail;
	if (kind == CELL_CONFIG_SYSTEM) {
		if (cell_config_get_system(cfg, &sys) ||
		    put_fields(obj, &sys, system_fields) ||
		    json_object_set_new(obj, "hypervisor_memory",
					j_fields(&sys.hypervisor_memory,
						 hv_memory_fields)) ||
		    json_object_set_new(obj, "debug_console",
					j_fields(&sys.debug_console,
						 console_fields)) ||
		    json_object_set_new(obj, "platform_info",
					j_platform(cfg, &sys.platform)) ||
		    json_object_set_new(obj, "root_cell", j_cell(cfg)))
			goto fail;
	} else if (json_object_set_new(obj, "cell", j_cell(cfg))) {
		goto fail;
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

/* ------------------------------------------------------------------------
 * JSON tree -> text. Own printer so that arrays of scalars (flags, CPUs,
 * bitmaps) stay on one line while objects are indented.
 */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_indent(struct sbuf *b, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		sb_put(b, "  ", 2);
}

static void sb_quoted(struct sbuf *b, const char *s)
{
	char esc[8];

	sb_put(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = *s;
			sb_put(b, esc, 2);
		} else if ((unsigned char)*s < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned char)*s);
			sb_str(b, esc);
		} else {
			sb_put(b, s, 1);
		}
	}
	sb_put(b, "\"", 1);
}

static bool is_container(const json_t *v)
{
	return json_is_object(v) || json_is_array(v);
}

static void sb_json(struct sbuf *b, const json_t *v, int depth)
{
	char num[32];
	const char *key;
	json_t *item;
	size_t i, n;
	bool flat;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (!json_object_size(v)) {
			sb_str(b, "{}");
			break;
		}
		sb_str(b, "{\n");
		n = 0;
		json_object_foreach((json_t *)v, key, item) {
			sb_indent(b, depth + 1);
			sb_quoted(b, key);
			sb_str(b, ": ");
			sb_json(b, item, depth + 1);
			sb_str(b, ++n < json_object_size(v) ? ",\n" : "\n");
		}
		sb_indent(b, depth);
		sb_str(b, "}");
		break;
	case JSON_ARRAY:
		flat = true;
		json_array_foreach(v, i, item)
			if (is_container(item))
				flat = false;
		sb_str(b, flat ? "[" : "[\n");
		json_array_foreach(v, i, item) {
			if (!flat)
				sb_indent(b, depth + 1);
			sb_json(b, item, depth + 1);
			if (i + 1 < json_array_size(v))
				sb_str(b, flat ? ", " : ",\n");
			else if (!flat)
				sb_str(b, "\n");
		}
		if (!flat)
			sb_indent(b, depth);
		sb_str(b, "]");
		break;
	case JSON_STRING:
		sb_quoted(b, json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		sb_str(b, num);
		break;
	case JSON_TRUE:
		sb_str(b, "true");
		break;
	case JSON_FALSE:
		sb_str(b, "false");
		break;
	default:
		sb_str(b, "null");
		break;
	}
}

int cell_config_to_json(const cell_config *cfg, char **out)
{
	struct sbuf b = { 0 };
	json_t *root;

	if (!cfg || !out)
		return -EINVAL;
	root = j_config(cfg);
	if (root) {
		sb_json(&b, root, 0);
		sb_str(&b, "\n");
		json_decref(root);
	}
	if (!root || b.oom) {
		free(b.p);
		return cell__err(cell_config_ctx(cfg), -ENOMEM,
				 "JSON form: out of memory");
	}
	*out = b.p;
	return 0;
}

/* ------------------------------------------------------------------------
 * JSON text -> configuration
 */
struct jp {
	cell_ctx *ctx;
	char path[256];
	size_t len;
};

/* Appends to the path (truncated when full); returns the length to pop to. */
static size_t jp_push(struct jp *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t jp_push(struct jp *p, const char *fmt, ...)
{
	size_t old = p->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->path + old, sizeof(p->path) - old, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len = old + (size_t)n < sizeof(p->path) ? old + (size_t)n :
			 sizeof(p->path) - 1;
	return old;
}

static size_t jp_key(struct jp *p, const char *key)
{
	return jp_push(p, "%s%s", p->len ? "." : "", key);
}

static size_t jp_idx(struct jp *p, size_t index)
{
	return jp_push(p, "[%zu]", index);
}

static void jp_pop(struct jp *p, size_t old)
{
	p->len = old;
	p->path[old] = '\0';
}

static int jp_err(struct jp *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int jp_err(struct jp *p, int err, const char *fmt, ...)
{
	char msg[CELL_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cell__err(p->ctx, err, "%s: %s", p->len ? p->path : "(top level)",
			 msg);
}

/* A failed library call, reported at the current path. */
static int jp_lib(struct jp *p, int ret)
{
	const char *why = cell_ctx_last_errno(p->ctx) == ret ?
			  cell_ctx_last_error(p->ctx) : cell_strerror(ret);
	char copy[CELL_ERRMSG_MAX];

	snprintf(copy, sizeof(copy), "%s", why);
	return jp_err(p, ret == -ENOMEM ? -ENOMEM : -EBADMSG, "%s", copy);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a fractional number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* "0x..." hexadecimal or plain decimal, the whole string, no sign. */
static bool parse_num_string(const char *s, uint64_t *out)
{
	uint64_t v = 0, digit;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = (uint64_t)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (uint64_t)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (uint64_t)(*s - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - digit) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + digit;
	}
	*out = v;
	return true;
}

/* An unsigned integer at the current path, at most @max. */
static int get_uint(struct jp *p, const json_t *v, uint64_t max, uint64_t *out)
{
	uint64_t val;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return jp_err(p, -EBADMSG, "negative value %" JSON_INTEGER_FORMAT,
				      json_integer_value(v));
		val = (uint64_t)json_integer_value(v);
	} else if (json_is_string(v)) {
		if (!parse_num_string(json_string_value(v), &val))
			return jp_err(p, -EBADMSG,
				      "'%s' is not an unsigned 64-bit number (decimal or 0x hex)",
				      json_string_value(v));
	} else {
		return jp_err(p, -EBADMSG, "expected an unsigned integer, got %s",
			      type_name(v));
	}
	if (val > max)
		return jp_err(p, -EBADMSG, "value 0x%" PRIx64 " out of range (max 0x%"
			      PRIx64 ")", val, max);
	*out = val;
	return 0;
}

static bool sym_lookup(const json_t *v, const struct sym *syms, uint64_t *out)
{
	const struct sym *s;

	if (!json_is_string(v))
		return false;
	for (s = syms; s->name; s++) {
		if (!strcmp(s->name, json_string_value(v))) {
			*out = s->val;
			return true;
		}
	}
	return false;
}

static int get_flags(struct jp *p, const json_t *v, const struct sym *syms,
		     uint64_t max, uint64_t *out)
{
	uint64_t acc = 0, bits;
	json_t *item;
	size_t i, old;
	int ret;

	if (!json_is_array(v))
		return jp_err(p, -EBADMSG, "expected a list of flag names, got %s",
			      type_name(v));
	json_array_foreach(v, i, item) {
		old = jp_idx(p, i);
		if (sym_lookup(item, syms, &bits)) {
			acc |= bits;
			jp_pop(p, old);
			continue;
		}
		if (json_is_string(item)) {
			const char *name = json_string_value(item);

			/* Unnamed bits only in hex: a decimal string is a typo. */
			if (name[0] != '0' || (name[1] != 'x' && name[1] != 'X') ||
			    !parse_num_string(name, &bits))
				goto unknown;
		} else if (json_is_integer(item)) {
			ret = get_uint(p, item, UINT64_MAX, &bits);
			if (ret)
				return ret;
		} else {
			return jp_err(p, -EBADMSG,
				      "expected a flag name or a \"0x...\" bit mask, got %s",
				      type_name(item));
		}
		if (bits > max)
			return jp_err(p, -EBADMSG, "bits 0x%" PRIx64
				      " outside the field (max 0x%" PRIx64 ")",
				      bits, max);
		acc |= bits;
		jp_pop(p, old);
	}
	*out = acc;
	return 0;
unknown:
	jp_pop(p, old);
	return jp_err(p, -EBADMSG, "unknown flag '%s'", json_string_value(item));
}

static int get_enum(struct jp *p, const json_t *v, const struct sym *syms,
		    uint64_t max, uint64_t *out)
{
	uint64_t val;

	if (sym_lookup(v, syms, out))
		return 0;
	if (json_is_string(v) && !parse_num_string(json_string_value(v), &val))
		return jp_err(p, -EBADMSG, "unknown name '%s'", json_string_value(v));
	return get_uint(p, v, max, out);
}

static bool key_listed(const char *key, const struct field *fields,
		       const char *const *extra)
{
	for (; fields && fields->key; fields++)
		if (!strcmp(fields->key, key))
			return true;
	for (; extra && *extra; extra++)
		if (!strcmp(*extra, key))
			return true;
	return false;
}

/* Rejects keys of @obj that neither @fields nor @extra know. */
static int check_keys(struct jp *p, const json_t *obj, const struct field *fields,
		      const char *const *extra)
{
	const char *key;
	json_t *item;

	json_object_foreach((json_t *)obj, key, item) {
		/* "_..." keys are comments for hand-written files. */
		if (key[0] != '_' && !key_listed(key, fields, extra))
			return jp_err(p, -EBADMSG, "unknown key '%s'", key);
	}
	return 0;
}

static int get_object(struct jp *p, const json_t *v)
{
	if (!json_is_object(v))
		return jp_err(p, -EBADMSG, "expected an object, got %s",
			      type_name(v));
	return 0;
}

static int parse_field(struct jp *p, const json_t *v, void *base,
		       const struct field *f)
{
	uint64_t max = width_max(f), val = 0, cur;
	json_t *item;
	size_t i, old;
	int ret;

	switch (f->kind) {
	case F_UINT:
		ret = get_uint(p, v, f->mask ? f->mask : max, &val);
		if (ret)
			return ret;
		if (f->mask)
			val |= load(base, f, 0) & ~f->mask;
		break;
	case F_BOOL:
		if (!json_is_boolean(v))
			return jp_err(p, -EBADMSG, "expected true or false, got %s",
				      type_name(v));
		cur = load(base, f, 0);
		val = json_is_true(v) ? cur | f->mask : cur & ~f->mask;
		break;
	case F_FLAGS:
		ret = get_flags(p, v, f->syms, max, &val);
		if (ret)
			return ret;
		break;
	case F_ENUM:
		ret = get_enum(p, v, f->syms, max, &val);
		if (ret)
			return ret;
		break;
	default:
		if (!json_is_array(v) || json_array_size(v) != f->count)
			return jp_err(p, -EBADMSG, "expected a list of %u integers",
				      f->count);
		json_array_foreach(v, i, item) {
			old = jp_idx(p, i);
			ret = get_uint(p, item, max, &val);
			if (ret)
				return ret;
			store(base, f, (unsigned int)i, val);
			jp_pop(p, old);
		}
		return 0;
	}
	store(base, f, 0, val);
	return 0;
}

/* Reads the keys of @fields from @obj into @base (other members untouched). */
static int parse_fields(struct jp *p, const json_t *obj, void *base,
			const struct field *fields)
{
	const struct field *f;
	json_t *v;
	size_t old;
	int ret;

	for (f = fields; f->key; f++) {
		v = json_object_get(obj, f->key);
		if (!v) {
			if (f->required)
				return jp_err(p, -EBADMSG, "missing key '%s'", f->key);
			continue;
		}
		old = jp_key(p, f->key);
		ret = parse_field(p, v, base, f);
		if (ret)
			return ret;
		jp_pop(p, old);
	}
	return 0;
}

/* An object holding exactly the keys of @fields (plus @extra). */
static int parse_struct(struct jp *p, const json_t *obj, void *base,
			const struct field *fields, const char *const *extra)
{
	int ret = get_object(p, obj);

	if (!ret)
		ret = check_keys(p, obj, fields, extra);
	if (!ret)
		ret = parse_fields(p, obj, base, fields);
	return ret;
}

/* Optional sub-object @key of @obj parsed with @fields into @base. */
static int parse_member(struct jp *p, const json_t *obj, const char *key,
			void *base, const struct field *fields)
{
	json_t *v = json_object_get(obj, key);
	size_t old;
	int ret;

	if (!v)
		return 0;
	old = jp_key(p, key);
	ret = parse_struct(p, v, base, fields, NULL);
	if (!ret)
		jp_pop(p, old);
	return ret;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_name(struct jp *p, const json_t *obj, char name[32])
{
	json_t *plain = json_object_get(obj, "name");
	json_t *raw = json_object_get(obj, "name_raw");
	const char *s;
	size_t old, len, i;
	int ret = 0;

	if (plain && raw)
		return jp_err(p, -EBADMSG, "both 'name' and 'name_raw' given");
	if (!plain && !raw)
		return jp_err(p, -EBADMSG, "missing key 'name'");
	old = jp_key(p, plain ? "name" : "name_raw");
	if (!json_is_string(plain ? plain : raw)) {
		ret = jp_err(p, -EBADMSG, "expected a string, got %s",
			     type_name(plain ? plain : raw));
		goto out;
	}
	s = json_string_value(plain ? plain : raw);
	len = json_string_length(plain ? plain : raw);
	memset(name, 0, 32);
	if (plain) {
		if (len > CELL_NAME_MAX) {
			ret = jp_err(p, -EBADMSG, "%zu characters, at most %u allowed",
				     len, CELL_NAME_MAX);
			goto out;
		}
		for (i = 0; i < len; i++) {
			if (s[i] < 0x20 || s[i] > 0x7e) {
				ret = jp_err(p, -EBADMSG,
					     "only printable ASCII; use 'name_raw' for other bytes");
				goto out;
			}
		}
		memcpy(name, s, len);
		goto out;
	}
	if (len != 64) {
		ret = jp_err(p, -EBADMSG, "expected 64 hex digits (32 bytes), got %zu",
			     len);
		goto out;
	}
	for (i = 0; i < 32; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			ret = jp_err(p, -EBADMSG, "'%s' is not hexadecimal", s);
			goto out;
		}
		name[i] = (char)(hi << 4 | lo);
	}
	if (!memchr(name, 0, 32))
		ret = jp_err(p, -EBADMSG, "the 32 bytes contain no NUL terminator");
out:
	if (!ret)
		jp_pop(p, old);
	return ret;
}

static int parse_cpus(struct jp *p, cell_config *cfg, const json_t *obj)
{
	json_t *v = json_object_get(obj, "cpu_set_size"), *item;
	uint64_t size = 8, cpu;
	size_t old, i;
	int ret;

	if (v) {
		old = jp_key(p, "cpu_set_size");
		ret = get_uint(p, v, UINT32_MAX, &size);
		if (!ret && size == 0)
			ret = jp_err(p, -EBADMSG, "must not be 0");
		if (!ret) {
			ret = cell_config_set_cpu_set_size(cfg, (uint32_t)size);
			if (ret)
				ret = jp_lib(p, ret);
		}
		if (ret)
			return ret;
		jp_pop(p, old);
	}
	v = json_object_get(obj, "cpus");
	if (!v)
		return jp_err(p, -EBADMSG, "missing key 'cpus'");
	old = jp_key(p, "cpus");
	if (!json_is_array(v))
		return jp_err(p, -EBADMSG, "expected a list of CPU numbers, got %s",
			      type_name(v));
	json_array_foreach(v, i, item) {
		size_t o2 = jp_idx(p, i);

		ret = get_uint(p, item, UINT32_MAX, &cpu);
		if (ret)
			return ret;
		/* Growing the set here would silently change cpu_set_size. */
		if (cpu >= size * 8)
			return jp_err(p, -EBADMSG,
				      "CPU %" PRIu64 " does not fit a cpu_set_size of %"
				      PRIu64 " bytes", cpu, size);
		ret = cell_config_add_cpu(cfg, (uint32_t)cpu);
		if (ret)
			return jp_lib(p, ret);
		jp_pop(p, o2);
	}
	jp_pop(p, old);
	return 0;
}

static int parse_array(struct jp *p, cell_config *cfg, const json_t *obj,
		       const struct array_desc *a)
{
	union array_elem elem;
	json_t *v = json_object_get(obj, a->key), *item;
	uint64_t val;
	size_t old, o2, i;
	int ret;

	if (!v)
		return 0;
	old = jp_key(p, a->key);
	if (!json_is_array(v))
		return jp_err(p, -EBADMSG, "expected a list, got %s", type_name(v));
	json_array_foreach(v, i, item) {
		o2 = jp_idx(p, i);
		memset(&elem, 0, sizeof(elem));
		if (a->fields) {
			ret = parse_struct(p, item, &elem, a->fields, NULL);
		} else {
			ret = get_uint(p, item, UINT32_MAX, &val);
			elem.u32 = (uint32_t)val;
		}
		if (ret)
			return ret;
		ret = a->insert(cfg, (uint32_t)i, &elem);
		if (ret)
			return jp_lib(p, ret);
		jp_pop(p, o2);
	}
	jp_pop(p, old);
	return 0;
}

static int parse_cell(struct jp *p, cell_config *cfg, const json_t *obj,
		      bool system)
{
	/* First so that a non-root cell can skip the key only a root cell has. */
	static const char *const extra[] = {
		"root_stamped", "name", "name_raw", "cpu_set_size", "cpus",
		"console", "memory_regions", "cache_regions", "irqchips",
		"pio_regions", "pci_devices", "pci_caps", "stream_ids", NULL
	};
	struct cell_desc desc;
	json_t *v;
	size_t i, old;
	int ret;

	memset(&desc, 0, sizeof(desc));
	ret = get_object(p, obj);
	if (!ret)
		ret = check_keys(p, obj, desc_fields, system ? extra : extra + 1);
	if (!ret)
		ret = parse_name(p, obj, desc.name);
	if (!ret)
		ret = parse_fields(p, obj, &desc, desc_fields);
	if (!ret)
		ret = parse_member(p, obj, "console", &desc.console, console_fields);
	if (ret)
		return ret;
	ret = cell_config_set_desc(cfg, &desc);
	if (ret)
		return jp_lib(p, ret);
	v = json_object_get(obj, "root_stamped");
	if (v) {
		old = jp_key(p, "root_stamped");
		if (!json_is_boolean(v))
			return jp_err(p, -EBADMSG, "expected true or false, got %s",
				      type_name(v));
		ret = cell_config_set_root_stamped(cfg, json_is_true(v));
		if (ret)
			return jp_lib(p, ret);
		jp_pop(p, old);
	}
	ret = parse_cpus(p, cfg, obj);
	for (i = 0; !ret && i < NUM_ARRAYS; i++)
		ret = parse_array(p, cfg, obj, &arrays[i]);
	return ret;
}

static int parse_iommus(struct jp *p, cell_config *cfg, const json_t *v)
{
	struct cell_iommu unit;
	json_t *item, *type;
	uint64_t tval;
	size_t i, old, o2;
	int ret;

	if (!json_is_array(v))
		return jp_err(p, -EBADMSG, "expected a list, got %s", type_name(v));
	if (json_array_size(v) > CELL_IOMMU_MAX)
		return jp_err(p, -EBADMSG, "%zu units, at most %u allowed",
			      json_array_size(v), CELL_IOMMU_MAX);
	json_array_foreach(v, i, item) {
		old = jp_idx(p, i);
		memset(&unit, 0, sizeof(unit));
		ret = get_object(p, item);
		if (ret)
			return ret;
		type = json_object_get(item, "type");
		if (!type)
			return jp_err(p, -EBADMSG, "missing key 'type'");
		/* The type selects which view of the union the keys describe. */
		o2 = jp_key(p, "type");
		ret = get_enum(p, type, iommu_types, UINT32_MAX, &tval);
		if (ret)
			return ret;
		jp_pop(p, o2);
		ret = parse_struct(p, item, &unit, tval == CELL_IOMMU_PVU ?
				   iommu_pvu_fields : iommu_fields, NULL);
		if (ret)
			return ret;
		ret = cell_config_iommu_set(cfg, (uint32_t)i, &unit);
		if (ret)
			return jp_lib(p, ret);
		jp_pop(p, old);
	}
	return 0;
}

static int parse_platform(struct jp *p, cell_config *cfg, const json_t *obj,
			  struct cell_platform *pf)
{
	static const char *const extra[] = { "iommu_units", "arm", "x86", NULL };
	bool x86 = cell_config_arch(cfg) == CELL_ARCH_X86;
	const char *other = x86 ? "arm" : "x86";
	json_t *v;
	size_t old;
	int ret;

	ret = parse_struct(p, obj, pf, platform_fields, extra);
	if (ret)
		return ret;
	/* Only the view matching the architecture is encoded. */
	if (json_object_get(obj, other)) {
		jp_key(p, other);
		return jp_err(p, -EBADMSG, "not used by %s",
			      x86 ? "architecture x86" : "an ARM architecture");
	}
	ret = parse_member(p, obj, "arm", pf, platform_arm_fields);
	if (!ret)
		ret = parse_member(p, obj, "x86", pf, platform_x86_fields);
	if (ret)
		return ret;
	v = json_object_get(obj, "iommu_units");
	if (v) {
		old = jp_key(p, "iommu_units");
		ret = parse_iommus(p, cfg, v);
		if (ret)
			return ret;
		jp_pop(p, old);
	}
	return 0;
}

static int parse_system(struct jp *p, cell_config *cfg, const json_t *top)
{
	struct cell_system sys;
	json_t *v;
	size_t old;
	int ret;

	memset(&sys, 0, sizeof(sys));
	ret = parse_fields(p, top, &sys, system_fields);
	if (ret)
		return ret;
	v = json_object_get(top, "hypervisor_memory");
	if (!v)
		return jp_err(p, -EBADMSG, "missing key 'hypervisor_memory'");
	ret = parse_member(p, top, "hypervisor_memory", &sys.hypervisor_memory,
			   hv_memory_fields);
	if (!ret)
		ret = parse_member(p, top, "debug_console", &sys.debug_console,
				   console_fields);
	if (ret)
		return ret;
	v = json_object_get(top, "platform_info");
	if (v) {
		old = jp_key(p, "platform_info");
		ret = parse_platform(p, cfg, v, &sys.platform);
		if (ret)
			return ret;
		jp_pop(p, old);
	}
	ret = cell_config_set_system(cfg, &sys);
	if (ret)
		return jp_lib(p, ret);
	v = json_object_get(top, "root_cell");
	if (!v)
		return jp_err(p, -EBADMSG, "missing key 'root_cell'");
	old = jp_key(p, "root_cell");
	ret = parse_cell(p, cfg, v, true);
	if (!ret)
		jp_pop(p, old);
	return ret;
}

static int parse_config(struct jp *p, const json_t *top, cell_config **out)
{
	static const char *const extra_system[] = {
		"kind", "architecture", "revision", "hypervisor_memory",
		"debug_console", "platform_info", "root_cell", NULL
	};
	static const char *const extra_cell[] = {
		"kind", "architecture", "revision", "cell", NULL
	};
	cell_config *cfg = NULL;
	uint64_t kind, arch, rev = CELL_CONFIG_REVISION;
	json_t *v;
	size_t old;
	int ret;

	ret = get_object(p, top);
	if (ret)
		return ret;
	v = json_object_get(top, "kind");
	if (!v)
		return jp_err(p, -EBADMSG, "missing key 'kind'");
	old = jp_key(p, "kind");
	if (!sym_lookup(v, kinds, &kind))
		return jp_err(p, -EBADMSG, "expected \"system\" or \"cell\"");
	jp_pop(p, old);
	ret = kind == CELL_CONFIG_SYSTEM ?
	      check_keys(p, top, system_fields, extra_system) :
	      check_keys(p, top, NULL, extra_cell);
	if (ret)
		return ret;
	v = json_object_get(top, "architecture");
	if (!v)
		return jp_err(p, -EBADMSG, "missing key 'architecture'");
	old = jp_key(p, "architecture");
	if (!sym_lookup(v, archs, &arch))
		return jp_err(p, -EBADMSG,
			      "expected \"arm64\", \"arm\", \"x86\" or \"unknown\"");
	jp_pop(p, old);
	v = json_object_get(top, "revision");
	if (v) {
		old = jp_key(p, "revision");
		ret = get_uint(p, v, UINT32_MAX, &rev);
		if (ret)
			return ret;
		if (rev != CELL_CONFIG_REVISION && rev != CELL_CONFIG_REVISION_13)
			return jp_err(p, -EBADMSG, "revision %" PRIu64
				      " not supported (14 or 13)", rev);
		jp_pop(p, old);
	}
	if (arch == CELL_ARCH_UNKNOWN &&
	    (rev != CELL_CONFIG_REVISION_13 || kind == CELL_CONFIG_SYSTEM)) {
		jp_key(p, "architecture");
		return jp_err(p, -EBADMSG,
			      "\"unknown\" is only possible for a revision 13 cell");
	}
	ret = cell_config_new(p->ctx, &cfg, (uint32_t)kind,
			      arch == CELL_ARCH_UNKNOWN ? CELL_ARCH_ARM64 :
			      (uint32_t)arch);
	if (ret)
		return jp_lib(p, ret);
	/*
	 * A revision 13 cell records no architecture; the public setter only
	 * takes known codes, so restore "unknown" as the decoder leaves it.
	 */
	if (arch == CELL_ARCH_UNKNOWN)
		cfg->arch = CELL_ARCH_UNKNOWN;
	ret = cell_config_set_revision(cfg, (uint32_t)rev);
	if (ret) {
		ret = jp_lib(p, ret);
		goto fail;
	}
	if (kind == CELL_CONFIG_SYSTEM) {
		ret = parse_system(p, cfg, top);
	} else {
		v = json_object_get(top, "cell");
		if (!v) {
			ret = jp_err(p, -EBADMSG, "missing key 'cell'");
			goto fail;
		}
		jp_key(p, "cell");
		ret = parse_cell(p, cfg, v, false);
	}
	if (!ret && cell__config_check_rev13(cfg)) {
		jp_key(p, "revision");
		ret = jp_lib(p, -EINVAL);
	}
	if (ret)
		goto fail;
	*out = cfg;
	return 0;
fail:
	cell_config_free(cfg);
	return ret;
}

int cell_config_from_json(cell_ctx *ctx, cell_config **out, const char *json)
{
	struct jp p = { .ctx = ctx };
	json_error_t jerr;
	json_t *top;
	int ret;

	if (!ctx || !out || !json)
		return cell__err(ctx, -EINVAL, "JSON form: NULL argument");
	top = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!top) {
		/* jansson integers are signed 64-bit: point at the way out. */
		return cell__err(ctx, -EBADMSG, "JSON line %d column %d: %s%s",
				 jerr.line, jerr.column, jerr.text,
				 strstr(jerr.text, "too big") ?
				 " (write values above 2^63-1 as \"0x...\" strings)" : "");
	}
	ret = parse_config(&p, top, out);
	json_decref(top);
	return ret;
}
