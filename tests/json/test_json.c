/* SPDX-License-Identifier: BSD-2-Clause */
/* JSON form tests: lossless round trips, every field, extremes, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libcell/cell.h>

#include "internal.h"

struct fixture {
	cell_ctx *ctx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || cell_ctx_new(&f->ctx))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cell_ctx_free(f->ctx);
	free(f);
	return 0;
}

static void encode(const cell_config *cfg, uint8_t **buf, size_t *size)
{
	int ret = cell_config_encode_alloc(cfg, buf, size);

	if (ret)
		fail_msg("encode: %s", cell_ctx_last_error(cell_config_ctx(cfg)));
}

/*
 * The core property: cfg -> bytes B; cfg -> JSON -> cfg' -> bytes equal to
 * B; cfg' -> JSON equal to the first JSON (stable). Returns the JSON.
 */
static char *assert_lossless(cell_ctx *ctx, const cell_config *cfg)
{
	cell_config *back;
	uint8_t *b1, *b2;
	size_t s1, s2;
	char *j1, *j2;

	encode(cfg, &b1, &s1);
	assert_int_equal(cell_config_to_json(cfg, &j1), 0);
	if (cell_config_from_json(ctx, &back, j1))
		fail_msg("from_json of our own output: %s\n%s",
			 cell_ctx_last_error(ctx), j1);
	encode(back, &b2, &s2);
	assert_int_equal(s1, s2);
	assert_memory_equal(b1, b2, s1);
	assert_int_equal(cell_config_to_json(back, &j2), 0);
	assert_string_equal(j1, j2);
	cell_free(j2);
	cell_config_free(back);
	cell_free(b1);
	cell_free(b2);
	return j1;
}

/* Also decode -> JSON: the bytes must survive bytes -> JSON -> bytes. */
static void assert_bytes_lossless(cell_ctx *ctx, const uint8_t *bytes, size_t size)
{
	cell_config *cfg, *back;
	uint8_t *b2;
	size_t s2;
	char *json;

	if (cell_config_decode(ctx, &cfg, bytes, size))
		fail_msg("decode: %s", cell_ctx_last_error(ctx));
	assert_int_equal(cell_config_to_json(cfg, &json), 0);
	if (cell_config_from_json(ctx, &back, json))
		fail_msg("from_json: %s\n%s", cell_ctx_last_error(ctx), json);
	encode(back, &b2, &s2);
	assert_int_equal(size, s2);
	assert_memory_equal(bytes, b2, size);
	cell_free(b2);
	cell_free(json);
	cell_config_free(back);
	cell_config_free(cfg);
}

static char *read_text(const char *path)
{
	cell_ctx *ctx;
	uint8_t *buf;
	size_t size;
	char *text;

	assert_int_equal(cell_ctx_new(&ctx), 0);
	if (cell__read_file(ctx, path, 1u << 20, &buf, &size))
		fail_msg("%s", cell_ctx_last_error(ctx));
	cell_ctx_free(ctx);
	text = malloc(size + 1);
	assert_non_null(text);
	memcpy(text, buf, size);
	text[size] = '\0';
	free(buf);
	return text;
}

static void test_json__examples_round_trip(void **state)
{
	static const char *const names[] = {
		"qemu-virt/root", "qemu-virt/linux-inmate", "x86/root"
	};
	struct fixture *f = *state;
	char path[512], *text, *json;
	cell_config *cfg;
	uint8_t *bytes;
	size_t i, size;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/examples/configs/%s.json",
			 CELL_SOURCE_DIR, names[i]);
		text = read_text(path);
		if (cell_config_from_json(f->ctx, &cfg, text))
			fail_msg("%s: %s", path, cell_ctx_last_error(f->ctx));
		free(text);
		json = assert_lossless(f->ctx, cfg);
		cell_free(json);
		encode(cfg, &bytes, &size);
		assert_bytes_lossless(f->ctx, bytes, size);
		cell_free(bytes);
		cell_config_free(cfg);
	}
}

/* The facts of the QEMU example that other modules rely on. */
static void test_json__qemu_example_content(void **state)
{
	struct fixture *f = *state;
	struct cell_system sys;
	struct cell_irqchip irq;
	struct cell_memory m;
	char path[512], *text;
	cell_config *cfg;
	uint32_t cpus[8];
	int i, n;
	bool ecam = false, hv_overlap = false;

	snprintf(path, sizeof(path), "%s/examples/configs/qemu-virt/root.json",
		 CELL_SOURCE_DIR);
	text = read_text(path);
	assert_int_equal(cell_config_from_json(f->ctx, &cfg, text), 0);
	free(text);
	assert_int_equal(cell_config_arch(cfg), CELL_ARCH_ARM64);
	assert_int_equal(cell_config_get_system(cfg, &sys), 0);
	assert_int_equal(sys.hypervisor_memory.phys_start, 0x7fc00000);
	assert_int_equal(sys.hypervisor_memory.size, 0x400000);
	assert_int_equal(sys.platform.arm_gic_version, 3);
	assert_int_equal(sys.platform.arm_gicd_base, 0x08000000);
	assert_int_equal(sys.platform.arm_gicr_base, 0x080a0000);
	assert_int_equal(sys.debug_console.type, CELL_CON_TYPE_PL011);
	assert_int_equal(sys.platform.pci_is_virtual, 0);
	n = cell_config_cpus(cfg, cpus, 8);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_int_equal(cpus[i], (uint32_t)i);
	for (i = 0; i < cell_config_memory_count(cfg); i++) {
		assert_int_equal(cell_config_memory_get(cfg, (uint32_t)i, &m), 0);
		if (m.phys_start == 0x4010000000ull && m.size == 0x10000000)
			ecam = true;
		if (m.phys_start < 0x80000000ull &&
		    m.phys_start + m.size > 0x7fc00000ull)
			hv_overlap = true;
		/* GICD and GICR stay trapped: never mapped into the root. */
		assert_false(m.phys_start < 0x080a0000 + 0xf60000 &&
			     m.phys_start + m.size > 0x08000000 &&
			     !(m.phys_start >= 0x08080000 &&
			       m.phys_start + m.size <= 0x080a0000));
	}
	assert_true(ecam);
	assert_false(hv_overlap);
	assert_int_equal(cell_config_irqchip_get(cfg, 0, &irq), 0);
	assert_int_equal(irq.pin_base, 32);
	assert_int_equal(irq.pin_bitmap[3], 0xffffffffu);
	cell_config_free(cfg);
}

static cell_config *load_example(cell_ctx *ctx, const char *name)
{
	char path[512], *text;
	cell_config *cfg;

	snprintf(path, sizeof(path), "%s/examples/configs/%s.json", CELL_SOURCE_DIR,
		 name);
	text = read_text(path);
	if (cell_config_from_json(ctx, &cfg, text))
		fail_msg("%s: %s", path, cell_ctx_last_error(ctx));
	free(text);
	return cfg;
}

static void assert_no_errors(const cell_findings *found, const char *what)
{
	struct cell_finding fd;
	size_t i;

	for (i = 0; i < cell_findings_count(found); i++) {
		assert_int_equal(cell_findings_get(found, i, &fd), 0);
		print_message("%s: %s %s %s\n", what,
			      cell_check_severity_name(fd.severity),
			      cell_check_code_name(fd.code), fd.message);
	}
	assert_int_equal(cell_findings_errors(found), 0);
}

/* The examples are meant to be used: the checker must accept them. */
static void test_json__examples_pass_checker(void **state)
{
	struct fixture *f = *state;
	cell_config *root = load_example(f->ctx, "qemu-virt/root");
	cell_config *inmate = load_example(f->ctx, "qemu-virt/linux-inmate");
	cell_config *x86 = load_example(f->ctx, "x86/root");
	const cell_config *cells[] = { inmate };
	cell_findings *found;

	assert_int_equal(cell_check_set(root, cells, 1, &found), 0);
	assert_no_errors(found, "qemu-virt set");
	cell_findings_free(found);
	assert_int_equal(cell_check_config(x86, &found), 0);
	assert_no_errors(found, "x86/root");
	cell_findings_free(found);
	cell_config_free(x86);
	cell_config_free(inmate);
	cell_config_free(root);
}

/* Every field non-zero and distinct, unknown bits and codes included. */
static cell_config *build_everything(cell_ctx *ctx, uint32_t arch)
{
	struct cell_system sys;
	struct cell_desc desc;
	struct cell_iommu unit;
	struct cell_memory mem = { 0x1111000, 0x2222000, 0x3000,
				   CELL_MEM_READ | CELL_MEM_IO_32 | 0x4000000000ull };
	struct cell_cache cache = { 5, 7, 3, 0x5a, 0x8001 };
	struct cell_irqchip irq = { 0xfec00000, 0xff01, 64,
				    { 1, 0x80000000u, 0x12345678, 0xfffffffe } };
	struct cell_pio pio = { 0x3f8, 8 };
	struct cell_pci_device dev = {
		.type = 9, .iommu = 2, .domain = 3, .bdf = 0x1234, .caps_start = 1,
		.bar_mask = { 0xfffff000, 1, 2, 3, 4, 0xffffffff },
		.num_caps = 2, .num_msi_vectors = 4, .msi_flags = 0x83,
		.num_msix_vectors = 16, .msix_region_size = 0x1000,
		.msix_address = 0xfebd0000, .shmem_regions_start = 7,
		.shmem_dev_id = 1, .shmem_peers = 2, .shmem_protocol = 0x8001
	};
	struct cell_pci_capability cap = { CELL_PCI_EXT_CAP | 0x10, 0x100, 12,
					   CELL_PCICAPS_WRITE | 0x40 };
	uint32_t sid = 0x7fff;
	cell_config *cfg;

	assert_int_equal(cell_config_new(ctx, &cfg, CELL_CONFIG_SYSTEM, arch), 0);
	memset(&sys, 0, sizeof(sys));
	sys.flags = CELL_SYS_VIRTUAL_DEBUG_CONSOLE | 0x100;
	sys.hypervisor_memory = (struct cell_memory){ 0x7fc00000, 0x1234, 0x400000,
						      CELL_MEM_READ };
	sys.debug_console = (struct cell_console){ 0x09000000, 0x1000, 0x77,
						   CELL_CON_ACCESS_MMIO | 0x400,
						   115200, 3, 0xdead0000 };
	sys.platform.pci_mmconfig_base = 0x4010000000ull;
	sys.platform.pci_mmconfig_end_bus = 0xff;
	sys.platform.pci_is_virtual = 2;
	sys.platform.pci_domain = 0xffff;
	if (arch == CELL_ARCH_X86) {
		sys.platform.x86_pm_timer_address = 0x608;
		sys.platform.x86_apic_mode = 7;
		sys.platform.x86_vtd_interrupt_limit = 256;
		sys.platform.x86_tsc_khz = 2000000;
		sys.platform.x86_apic_khz = 1000000;
	} else {
		sys.platform.arm_maintenance_irq = 25;
		sys.platform.arm_gic_version = 2;
		sys.platform.arm_gicd_base = 0x08000000;
		sys.platform.arm_gicc_base = 0x08010000;
		sys.platform.arm_gich_base = 0x08030000;
		sys.platform.arm_gicv_base = 0x08040000;
		sys.platform.arm_gicr_base = 0x080a0000;
	}
	assert_int_equal(cell_config_set_system(cfg, &sys), 0);
	memset(&unit, 0, sizeof(unit));
	unit = (struct cell_iommu){ .type = CELL_IOMMU_AMD, .size = 0x80000,
				    .base = 0xfeb80000, .amd_bdf = 0x2,
				    .amd_base_cap = 0x40, .amd_msi_cap = 0x54,
				    .amd_features = 0x80048824, .tipvu_tlb_size = 9 };
	assert_int_equal(cell_config_iommu_set(cfg, 0, &unit), 0);
	/* Slot 1 empty, then a PVU and a type without a name. */
	memset(&unit, 0, sizeof(unit));
	unit.type = CELL_IOMMU_PVU;
	unit.base = 0x30f80000;
	unit.size = 0x1000;
	unit.tipvu_tlb_base = 0x36000000;
	unit.tipvu_tlb_size = 0x40000;
	assert_int_equal(cell_config_iommu_set(cfg, 2, &unit), 0);
	memset(&unit, 0, sizeof(unit));
	unit.type = 99;
	unit.base = 0xffffffffffff0000ull;
	unit.size = 1;
	assert_int_equal(cell_config_iommu_set(cfg, 7, &unit), 0);

	memset(&desc, 0, sizeof(desc));
	strcpy(desc.name, "every \"field\" \\ here");
	desc.id = 0;
	desc.flags = CELL_FLAG_AARCH32 | CELL_FLAG_VIRTUAL_CONSOLE_ACTIVE | 0x100;
	desc.vpci_irq_base = 96;
	desc.cpu_reset_address = 0x70000000;
	desc.msg_reply_timeout = 100000;
	desc.console = (struct cell_console){ 0x3f8, 8, CELL_CON_TYPE_8250,
					      CELL_CON_REGDIST_4, 1, 2, 3 };
	assert_int_equal(cell_config_set_desc(cfg, &desc), 0);
	assert_int_equal(cell_config_set_root_stamped(cfg, 1), 0);
	assert_int_equal(cell_config_set_cpu_set_size(cfg, 16), 0);
	assert_int_equal(cell_config_add_cpu(cfg, 0), 0);
	assert_int_equal(cell_config_add_cpu(cfg, 127), 0);
	assert_int_equal(cell_config_memory_insert(cfg, 0, &mem), 0);
	assert_int_equal(cell_config_cache_insert(cfg, 0, &cache), 0);
	assert_int_equal(cell_config_irqchip_insert(cfg, 0, &irq), 0);
	assert_int_equal(cell_config_pio_insert(cfg, 0, &pio), 0);
	assert_int_equal(cell_config_pci_device_insert(cfg, 0, &dev), 0);
	assert_int_equal(cell_config_pci_cap_insert(cfg, 0, &cap), 0);
	cap.id = 0x05;
	cap.flags = 0;
	assert_int_equal(cell_config_pci_cap_insert(cfg, 1, &cap), 0);
	assert_int_equal(cell_config_stream_id_insert(cfg, 0, &sid), 0);
	return cfg;
}

static void test_json__every_field(void **state)
{
	static const uint32_t arches[] = { CELL_ARCH_ARM64, CELL_ARCH_ARM, CELL_ARCH_X86 };
	struct fixture *f = *state;
	cell_config *cfg;
	uint8_t *bytes;
	size_t i, size;
	char *json;

	for (i = 0; i < 3; i++) {
		cfg = build_everything(f->ctx, arches[i]);
		json = assert_lossless(f->ctx, cfg);
		/* Symbolic names where known, raw values where not. */
		assert_non_null(strstr(json, "\"flags\": [\"READ\", \"IO_32\", \"0x4000000000\"]"));
		assert_non_null(strstr(json, "\"flags\": [\"VIRTUAL_DEBUG_CONSOLE\", \"0x100\"]"));
		assert_non_null(strstr(json, "\"flags\": [\"AARCH32\", \"VIRTUAL_CONSOLE_ACTIVE\", \"0x100\"]"));
		assert_non_null(strstr(json, "\"type\": 119"));	/* console 0x77 */
		assert_non_null(strstr(json, "\"msi_flags\": [\"64BITS\", \"MASKABLE\", \"0x80\"]"));
		assert_non_null(strstr(json, "\"extended\": true"));
		assert_non_null(strstr(json, "\"padding\": 90"));
		assert_non_null(strstr(json, "\"tipvu_tlb_base\": 905969664"));
		assert_non_null(strstr(json, "\"base\": \"0xffffffffffff0000\""));
		assert_non_null(strstr(json, "\"cpus\": [0, 127]"));
		assert_non_null(strstr(json, "\"root_stamped\": true"));
		assert_non_null(strstr(json, "\"name\": \"every \\\"field\\\" \\\\ here\""));
		assert_non_null(strstr(json, arches[i] == CELL_ARCH_X86 ?
				       "\"apic_mode\": 7" : "\"gicv_base\": 134479872"));
		assert_null(strstr(json, arches[i] == CELL_ARCH_X86 ? "\"arm\"" : "\"x86\""));
		cell_free(json);
		encode(cfg, &bytes, &size);
		assert_bytes_lossless(f->ctx, bytes, size);
		cell_free(bytes);
		cell_config_free(cfg);
	}
}

/* A non-root cell, including a name that is not printable ASCII. */
static void test_json__cell_and_raw_name(void **state)
{
	struct fixture *f = *state;
	struct cell_desc desc;
	cell_config *cfg, *back;
	char *json;

	assert_int_equal(cell_config_new(f->ctx, &cfg, CELL_CONFIG_CELL,
					 CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_get_desc(cfg, &desc), 0);
	memcpy(desc.name, "caf\xc3\xa9\x01", 7);
	desc.id = 4;
	assert_int_equal(cell_config_set_desc(cfg, &desc), 0);
	json = assert_lossless(f->ctx, cfg);
	assert_non_null(strstr(json, "\"name_raw\": \"636166c3a901"));
	assert_null(strstr(json, "\"root_stamped\""));
	cell_free(json);
	cell_config_free(cfg);

	/* Both name forms at once are ambiguous. */
	assert_int_equal(cell_config_from_json(f->ctx, &back,
		"{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"a\","
		"\"name_raw\":\"6100000000000000000000000000000000000000000000000000000000000000\","
		"\"cpus\":[]}}"), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "cell: both 'name' and 'name_raw'"));
}

static void test_json__u64_extremes(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m = { UINT64_MAX, INT64_MAX, UINT64_C(1) << 63, UINT64_MAX };
	struct cell_memory got;
	cell_config *cfg, *back;
	char *json;

	assert_int_equal(cell_config_new(f->ctx, &cfg, CELL_CONFIG_CELL,
					 CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_set_name(cfg, "big"), 0);
	assert_int_equal(cell_config_memory_insert(cfg, 0, &m), 0);
	json = assert_lossless(f->ctx, cfg);
	/* Below 2^63 a JSON integer, from 2^63 on a hex string. */
	assert_non_null(strstr(json, "\"phys_start\": \"0xffffffffffffffff\""));
	assert_non_null(strstr(json, "\"virt_start\": 9223372036854775807"));
	assert_non_null(strstr(json, "\"size\": \"0x8000000000000000\""));
	assert_non_null(strstr(json, "\"0xfffffffffff07e00\"]"));	/* unknown flag bits */
	cell_free(json);
	cell_config_free(cfg);

	/* Decimal strings are accepted as well, up to 2^64-1. */
	assert_int_equal(cell_config_from_json(f->ctx, &back,
		"{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"x\",\"cpus\":[],"
		"\"memory_regions\":[{\"phys_start\":\"18446744073709551615\",\"virt_start\":\"0X10\","
		"\"size\":9223372036854775807,\"flags\":[]}]}}"), 0);
	assert_int_equal(cell_config_memory_get(back, 0, &got), 0);
	assert_true(got.phys_start == UINT64_MAX);
	assert_true(got.virt_start == 0x10);
	assert_true(got.size == (uint64_t)INT64_MAX);
	cell_config_free(back);
}

struct bad_case {
	const char *json;
	const char *msg;
};

#define CELL_PRE "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"c\",\"cpus\":[1]"
#define CELL_MEM(x) CELL_PRE ",\"memory_regions\":[" \
	"{\"phys_start\":0,\"virt_start\":0,\"size\":4096,\"flags\":[]}," \
	"{\"phys_start\":0,\"virt_start\":0,\"size\":4096,\"flags\":[]}," \
	"{\"phys_start\":0,\"virt_start\":0,\"size\":4096,\"flags\":[]}," x "]}}"
#define SYS_PRE "{\"kind\":\"system\",\"architecture\":\"arm64\"," \
	"\"hypervisor_memory\":{\"phys_start\":0,\"size\":1},"
#define SYS_ROOT "\"root_cell\":{\"name\":\"r\",\"cpus\":[0]}}"

static const struct bad_case bad_cases[] = {
	{ CELL_MEM("{\"phys_start\":0,\"virt_start\":0,\"size\":1,\"flags\":[\"READ\",\"REED\"]}"),
	  "cell.memory_regions[3].flags: unknown flag 'REED'" },
	{ CELL_MEM("{\"phys_start\":0,\"virt_start\":0,\"size\":1}"),
	  "cell.memory_regions[3]: missing key 'flags'" },
	{ CELL_MEM("{\"phys_start\":0,\"virt_start\":0,\"size\":1,\"flags\":[],\"flag\":1}"),
	  "cell.memory_regions[3]: unknown key 'flag'" },
	{ CELL_MEM("{\"phys_start\":-1,\"virt_start\":0,\"size\":1,\"flags\":[]}"),
	  "cell.memory_regions[3].phys_start: negative value -1" },
	{ CELL_MEM("{\"phys_start\":1.5,\"virt_start\":0,\"size\":1,\"flags\":[]}"),
	  "cell.memory_regions[3].phys_start: expected an unsigned integer, got a fractional number" },
	{ CELL_MEM("{\"phys_start\":\"0x1g\",\"virt_start\":0,\"size\":1,\"flags\":[]}"),
	  "cell.memory_regions[3].phys_start: '0x1g' is not an unsigned 64-bit number" },
	{ CELL_MEM("{\"phys_start\":\"0x10000000000000000\",\"virt_start\":0,\"size\":1,\"flags\":[]}"),
	  "cell.memory_regions[3].phys_start: '0x10000000000000000' is not an unsigned 64-bit" },
	{ CELL_MEM("{\"phys_start\":18446744073709551615,\"virt_start\":0,\"size\":1,\"flags\":[]}"),
	  "write values above 2^63-1 as \"0x...\" strings" },
	{ CELL_MEM("{\"phys_start\":0,\"virt_start\":0,\"size\":1,\"flags\":[\"4096\"]}"),
	  "cell.memory_regions[3].flags: unknown flag '4096'" },
	{ CELL_MEM("{\"phys_start\":0,\"virt_start\":0,\"size\":1,\"flags\":[\"read\"]}"),
	  "cell.memory_regions[3].flags: unknown flag 'read'" },
	{ CELL_MEM("{\"phys_start\":0,\"virt_start\":0,\"size\":1,\"flags\":\"READ\"}"),
	  "cell.memory_regions[3].flags: expected a list of flag names, got a string" },
	{ CELL_MEM("{\"phys_start\":0,\"virt_start\":0,\"size\":1,\"flags\":[true]}"),
	  "cell.memory_regions[3].flags[0]: expected a flag name or a \"0x...\" bit mask" },
	{ CELL_PRE ",\"pio_regions\":[{\"base\":65536,\"length\":1}]}}",
	  "cell.pio_regions[0].base: value 0x10000 out of range (max 0xffff)" },
	{ CELL_PRE ",\"console\":{\"type\":\"PL011\",\"flags\":[\"0x10000\"]}}}",
	  "cell.console.flags[0]: bits 0x10000 outside the field (max 0xffff)" },
	{ CELL_PRE ",\"console\":{\"type\":\"PL012\"}}}",
	  "cell.console.type: unknown name 'PL012'" },
	{ CELL_PRE ",\"console\":{\"address\":0}}}",
	  "cell.console: missing key 'type'" },
	{ CELL_PRE ",\"irqchips\":[{\"address\":0,\"pin_base\":32,\"pin_bitmap\":[1,2,3]}]}}",
	  "cell.irqchips[0].pin_bitmap: expected a list of 4 integers" },
	{ CELL_PRE ",\"irqchips\":[{\"address\":0,\"pin_base\":32,\"pin_bitmap\":[1,2,3,\"0x100000000\"]}]}}",
	  "cell.irqchips[0].pin_bitmap[3]: value 0x100000000 out of range (max 0xffffffff)" },
	{ CELL_PRE ",\"pci_caps\":[{\"id\":32768,\"start\":0,\"len\":4}]}}",
	  "cell.pci_caps[0].id: value 0x8000 out of range (max 0x7fff)" },
	{ CELL_PRE ",\"pci_caps\":[{\"id\":1,\"start\":0,\"len\":4,\"extended\":1}]}}",
	  "cell.pci_caps[0].extended: expected true or false, got an integer" },
	{ CELL_PRE ",\"stream_ids\":[1,\"x\"]}}",
	  "cell.stream_ids[1]: 'x' is not an unsigned 64-bit number" },
	{ CELL_PRE ",\"root_stamped\":true}}", "cell: unknown key 'root_stamped'" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"c\",\"cpus\":[64]}}",
	  "cell.cpus[0]: CPU 64 does not fit a cpu_set_size of 8 bytes" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"c\"}}",
	  "cell: missing key 'cpus'" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"cpus\":[]}}",
	  "cell: missing key 'name'" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"0123456789abcdef0123456789abcdef\",\"cpus\":[]}}",
	  "cell.name: 32 characters, at most 31 allowed" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"a\\nb\",\"cpus\":[]}}",
	  "cell.name: only printable ASCII" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name_raw\":\"61\",\"cpus\":[]}}",
	  "cell.name_raw: expected 64 hex digits" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"cell\":{\"name\":\"c\",\"cpus\":[]},\"flags\":[]}",
	  "(top level): unknown key 'flags'" },
	{ "{\"kind\":\"cel\",\"architecture\":\"arm64\"}", "kind: expected \"system\" or \"cell\"" },
	{ "{\"kind\":\"cell\",\"architecture\":\"aarch64\"}", "architecture: expected \"arm64\"" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\",\"revision\":12}",
	  "revision: revision 12 not supported (14 or 13)" },
	{ "{\"kind\":\"cell\",\"architecture\":\"unknown\",\"cell\":{\"name\":\"c\",\"cpus\":[]}}",
	  "architecture: \"unknown\" is only possible for a revision 13 cell" },
	{ "{\"kind\":\"cell\",\"architecture\":\"arm64\"}", "(top level): missing key 'cell'" },
	{ "[1,2]", "(top level): expected an object, got an array" },
	{ "{\"kind\":\"cell\",\"kind\":\"cell\"}", "JSON line 1 column" },
	{ "{\"kind\": \"cell\",\n \"architecture\": arm64}", "JSON line 2 column" },
	{ SYS_PRE "\"platform_info\":{\"x86\":{}}," SYS_ROOT,
	  "platform_info.x86: not used by an ARM architecture" },
	{ SYS_PRE "\"platform_info\":{\"arm\":{\"gic_version\":256}}," SYS_ROOT,
	  "platform_info.arm.gic_version: value 0x100 out of range (max 0xff)" },
	{ SYS_PRE "\"platform_info\":{\"iommu_units\":[{},{},{},{},{},{},{},{},{}]}," SYS_ROOT,
	  "platform_info.iommu_units: 9 units, at most 8 allowed" },
	{ SYS_PRE "\"platform_info\":{\"iommu_units\":[{\"type\":\"INTEL\",\"base\":1,\"size\":1,"
	  "\"tipvu_tlb_base\":5}]}," SYS_ROOT,
	  "platform_info.iommu_units[0]: unknown key 'tipvu_tlb_base'" },
	{ SYS_PRE "\"platform_info\":{\"iommu_units\":[{\"type\":\"SMMU\",\"base\":1,\"size\":1}]}," SYS_ROOT,
	  "platform_info.iommu_units[0].type: unknown name 'SMMU'" },
	{ SYS_PRE "\"debug_console\":{\"type\":\"PL011\",\"size\":4294967296}," SYS_ROOT,
	  "debug_console.size: value 0x100000000 out of range (max 0xffffffff)" },
	{ SYS_PRE "\"root_cell\":{\"name\":\"r\",\"cpus\":[0],\"root_stamped\":\"yes\"}}",
	  "root_cell.root_stamped: expected true or false, got a string" },
	{ "{\"kind\":\"system\",\"architecture\":\"arm64\"," SYS_ROOT,
	  "(top level): missing key 'hypervisor_memory'" },
	{ SYS_PRE "\"cell\":{}}", "(top level): unknown key 'cell'" },
};

static void test_json__errors_name_the_path(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		cfg = (cell_config *)&cfg;	/* must stay untouched */
		cell_ctx_clear_error(f->ctx);
		ret = cell_config_from_json(f->ctx, &cfg, bad_cases[i].json);
		if (ret != -EBADMSG)
			fail_msg("case %zu: got %d (%s), want -EBADMSG\n%s", i, ret,
				 cell_ctx_last_error(f->ctx), bad_cases[i].json);
		assert_ptr_equal(cfg, (cell_config *)&cfg);
		if (!strstr(cell_ctx_last_error(f->ctx), bad_cases[i].msg))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i,
				 cell_ctx_last_error(f->ctx), bad_cases[i].msg);
	}
	assert_int_equal(cell_config_from_json(f->ctx, NULL, "{}"), -EINVAL);
	assert_int_equal(cell_config_from_json(NULL, &cfg, "{}"), -EINVAL);
	assert_int_equal(cell_config_from_json(f->ctx, &cfg, NULL), -EINVAL);
	assert_int_equal(cell_config_to_json(NULL, (char **)&cfg), -EINVAL);
}

/* Hand-written conveniences: comments, optional keys, hex and numeric forms. */
static void test_json__input_forms(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;
	struct cell_pci_capability cap;
	struct cell_desc desc;
	cell_config *cfg;

	assert_int_equal(cell_config_from_json(f->ctx, &cfg,
		"{\"_comment\":\"top\",\"kind\":\"cell\",\"architecture\":\"arm\",\"cell\":{"
		"\"name\":\"forms\",\"cpus\":[3],\"cpu_set_size\":\"0x10\","
		"\"console\":{\"type\":3,\"flags\":[1,\"REGDIST_4\"]},"
		"\"memory_regions\":[{\"_why\":\"x\",\"phys_start\":\"0x1000\",\"virt_start\":4096,"
		"\"size\":\"4096\",\"flags\":[\"READ\",\"READ\",\"0x10000\",\"0X20000\",8]}],"
		"\"pci_caps\":[{\"id\":\"0x10\",\"extended\":true,\"start\":256,\"len\":60}]}}"), 0);
	assert_int_equal(cell_config_revision(cfg), 14);
	assert_int_equal(cell_config_cpu_set_size(cfg), 16);
	assert_int_equal(cell_config_has_cpu(cfg, 3), 1);
	assert_int_equal(cell_config_memory_get(cfg, 0, &m), 0);
	assert_true(m.phys_start == 0x1000 && m.virt_start == 0x1000 && m.size == 0x1000);
	assert_true(m.flags == (CELL_MEM_READ | CELL_MEM_IO_8 | CELL_MEM_IO_16 | CELL_MEM_DMA));
	assert_int_equal(cell_config_pci_cap_get(cfg, 0, &cap), 0);
	assert_int_equal(cap.id, CELL_PCI_EXT_CAP | 0x10);
	assert_int_equal(cell_config_get_desc(cfg, &desc), 0);
	assert_int_equal(desc.console.type, CELL_CON_TYPE_PL011);
	assert_int_equal(desc.console.flags, CELL_CON_ACCESS_MMIO | CELL_CON_REGDIST_4);
	cell_config_free(cfg);
}

/* Revision 13 in, unknown architecture kept, then upgraded to 14. */
static void test_json__revision_13(void **state)
{
	struct fixture *f = *state;
	static const struct cell_memory ram = { 0x70000000, 0, 0x100000,
						CELL_MEM_READ | CELL_MEM_WRITE |
						CELL_MEM_LOADABLE };
	cell_config *cfg, *v13, *back;
	uint8_t *b13, *b14, *b;
	size_t s13, s14, s;
	char *json;

	assert_int_equal(cell_config_new(f->ctx, &cfg, CELL_CONFIG_CELL,
					 CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_set_name(cfg, "old"), 0);
	assert_int_equal(cell_config_add_cpu(cfg, 1), 0);
	assert_int_equal(cell_config_memory_insert(cfg, 0, &ram), 0);
	encode(cfg, &b14, &s14);
	assert_int_equal(cell_config_set_revision(cfg, 13), 0);
	encode(cfg, &b13, &s13);
	assert_memory_equal(b13, "JHCELL", 6);

	assert_int_equal(cell_config_decode(f->ctx, &v13, b13, s13), 0);
	assert_int_equal(cell_config_arch(v13), CELL_ARCH_UNKNOWN);
	assert_int_equal(cell_config_to_json(v13, &json), 0);
	assert_non_null(strstr(json, "\"architecture\": \"unknown\""));
	assert_non_null(strstr(json, "\"revision\": 13"));
	assert_int_equal(cell_config_from_json(f->ctx, &back, json), 0);
	assert_int_equal(cell_config_arch(back), CELL_ARCH_UNKNOWN);
	encode(back, &b, &s);
	assert_int_equal(s, s13);
	assert_memory_equal(b, b13, s);
	cell_free(b);

	/* Upgrade: set the architecture, write revision 14. */
	assert_int_equal(cell_config_set_arch(back, CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_set_revision(back, 14), 0);
	encode(back, &b, &s);
	assert_int_equal(s, s14);
	assert_memory_equal(b, b14, s);
	cell_free(b);
	cell_free(json);
	cell_config_free(back);
	cell_config_free(v13);
	cell_config_free(cfg);
	cell_free(b13);
	cell_free(b14);
}

static void test_json__mem_flag_names(void **state)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ CELL_MEM_READ, "READ" }, { CELL_MEM_WRITE, "WRITE" },
		{ CELL_MEM_EXECUTE, "EXECUTE" }, { CELL_MEM_DMA, "DMA" },
		{ CELL_MEM_IO, "IO" }, { CELL_MEM_COMM_REGION, "COMM_REGION" },
		{ CELL_MEM_LOADABLE, "LOADABLE" }, { CELL_MEM_ROOTSHARED, "ROOTSHARED" },
		{ CELL_MEM_NO_HUGEPAGES, "NO_HUGEPAGES" },
		{ CELL_MEM_IO_UNALIGNED, "IO_UNALIGNED" }, { CELL_MEM_IO_8, "IO_8" },
		{ CELL_MEM_IO_16, "IO_16" }, { CELL_MEM_IO_32, "IO_32" },
		{ CELL_MEM_IO_64, "IO_64" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(cell_mem_flag_name(names[i].bit), names[i].name);
	assert_null(cell_mem_flag_name(0));
	assert_null(cell_mem_flag_name(0x200));
	assert_null(cell_mem_flag_name(CELL_MEM_READ | CELL_MEM_WRITE));
	assert_null(cell_mem_flag_name(UINT64_C(1) << 63));
}

/*
 * The layout of upstream's qemu-arm64 root cell, from its published facts
 * (docs/reference/jailhouse-abi.md section 5): 12 memory regions, one
 * irqchip, two ivshmem devices and an 8-byte CPU set make a 1024-byte image.
 * The regions follow the stated sizes and flags; the demo regions are taken
 * to be contiguous (they add up to the stated 64 KiB), and ROOTSHARED is set
 * only where the reference says so (the ivshmem-net macro).
 */
static void test_json__upstream_qemu_arm64_layout(void **state)
{
	struct fixture *f = *state;
	struct cell_system sys;
#define R CELL_MEM_READ
#define RW (CELL_MEM_READ | CELL_MEM_WRITE)
#define SH CELL_MEM_ROOTSHARED
	static const struct cell_memory regions[12] = {
		{ 0x7faf0000, 0x7faf0000, 0x1000, R },		/* ivshmem demo */
		{ 0x7faf1000, 0x7faf1000, 0x9000, RW },
		{ 0x7fafa000, 0x7fafa000, 0x2000, RW },
		{ 0x7fafc000, 0x7fafc000, 0x2000, R },
		{ 0x7fafe000, 0x7fafe000, 0x2000, R },
		{ 0x7fb00000, 0x7fb00000, 0x1000, R | SH },	/* ivshmem-net */
		{ 0, 0, 0, RW | SH },
		{ 0x7fb01000, 0x7fb01000, 0x7f000, RW | SH },
		{ 0x7fb80000, 0x7fb80000, 0x7f000, R | SH },
		{ 0x09000000, 0x09000000, 0x37000000, RW | CELL_MEM_IO },
		{ 0x40000000, 0x40000000, 0x3fa10000, RW | CELL_MEM_EXECUTE },
		{ 0x4010000000ull, 0x4010000000ull, 0x10000000, RW | CELL_MEM_IO },
	};
#undef R
#undef RW
#undef SH
	struct cell_irqchip irq = { 0x08000000, 0, 32,
				    { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff } };
	struct cell_pci_device dev = { .type = CELL_PCI_TYPE_IVSHMEM, .domain = 1,
				       .bar_mask = { 0xfffff000 }, .shmem_peers = 3 };
	cell_config *cfg;
	uint8_t *b;
	size_t s;
	uint32_t i;
	char *json;

	assert_int_equal(cell_config_new(f->ctx, &cfg, CELL_CONFIG_SYSTEM,
					 CELL_ARCH_ARM64), 0);
	memset(&sys, 0, sizeof(sys));
	sys.flags = CELL_SYS_VIRTUAL_DEBUG_CONSOLE;
	sys.hypervisor_memory.phys_start = 0x7fc00000;
	sys.hypervisor_memory.size = 0x400000;
	sys.debug_console = (struct cell_console){ 0x09000000, 0x1000,
		CELL_CON_TYPE_PL011, CELL_CON_ACCESS_MMIO | CELL_CON_REGDIST_4, 0, 0, 0 };
	sys.platform.pci_mmconfig_base = 0x08e00000;
	sys.platform.pci_is_virtual = 1;
	sys.platform.pci_domain = 1;
	sys.platform.arm_gic_version = 3;
	sys.platform.arm_gicd_base = 0x08000000;
	sys.platform.arm_gicr_base = 0x080a0000;
	sys.platform.arm_maintenance_irq = 25;
	assert_int_equal(cell_config_set_system(cfg, &sys), 0);
	assert_int_equal(cell_config_set_name(cfg, "qemu-arm64"), 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(cell_config_add_cpu(cfg, i), 0);
	for (i = 0; i < 12; i++)
		assert_int_equal(cell_config_memory_insert(cfg, i, &regions[i]), 0);
	assert_int_equal(cell_config_irqchip_insert(cfg, 0, &irq), 0);
	assert_int_equal(cell_config_pci_device_insert(cfg, 0, &dev), 0);
	dev.bdf = 0x08;
	dev.shmem_regions_start = 5;
	dev.shmem_peers = 2;
	dev.shmem_protocol = 1;
	assert_int_equal(cell_config_pci_device_insert(cfg, 1, &dev), 0);

	json = assert_lossless(f->ctx, cfg);
	assert_non_null(strstr(json, "\"shmem_protocol\": \"VETH\""));
	cell_free(json);
	encode(cfg, &b, &s);
	assert_int_equal(s, 1024);
	assert_memory_equal(b, "JHSYS", 5);
	assert_int_equal(b[5], 2);
	assert_int_equal(cell__le16(b + 6), 14);
	assert_int_equal(cell__le32(b + 8), 1);
	assert_int_equal(cell__le64(b + 12), 0x7fc00000);
	assert_int_equal(cell__le64(b + 76), 0x08e00000);
	assert_int_equal(b[85], 1);
	assert_int_equal(cell__le16(b + 86), 1);
	assert_int_equal(b[312], 25);
	assert_int_equal(b[313], 3);
	assert_int_equal(cell__le64(b + 316), 0x08000000);
	assert_int_equal(cell__le64(b + 348), 0x080a0000);
	assert_memory_equal(b + 356 + 8, "qemu-arm64", 11);
	assert_int_equal(cell__le32(b + 356 + 48), 8);	/* cpu_set_size */
	assert_int_equal(cell__le32(b + 356 + 52), 12);	/* memory regions */
	assert_int_equal(cell__le16(b + 488), 0xffff);	/* CPUs 0-15 */
	assert_int_equal(cell__le64(b + 496), 0x7faf0000);
	assert_int_equal(cell__le64(b + 496 + 10 * 32 + 16), 0x3fa10000); /* RAM */
	assert_int_equal(cell__le64(b + 496 + 12 * 32), 0x08000000); /* irqchip */
	assert_int_equal(b[496 + 12 * 32 + 32], CELL_PCI_TYPE_IVSHMEM);
	assert_bytes_lossless(f->ctx, b, s);
	cell_free(b);
	cell_config_free(cfg);
}

/*
 * Byte mutations of a canonical document: every outcome is a configuration
 * that encodes, or -EBADMSG with a message; never a crash (run under ASan).
 */
static void test_json__mutations_never_crash(void **state)
{
	static const char alphabet[] = "{}[]\",:0123456789xabcdefg-. \\_AZ";
	struct fixture *f = *state;
	cell_config *cfg = load_example(f->ctx, "qemu-virt/linux-inmate"), *out;
	uint32_t seed = 12345;
	size_t len, i, ok = 0, bad = 0;
	uint8_t *bytes;
	size_t size;
	char *json, *copy;
	int ret;

	assert_int_equal(cell_config_to_json(cfg, &json), 0);
	len = strlen(json);
	copy = malloc(len + 1);
	assert_non_null(copy);
	for (i = 0; i < 3000; i++) {
		memcpy(copy, json, len + 1);
		seed = seed * 1103515245u + 12345u;
		copy[(seed >> 8) % len] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		ret = cell_config_from_json(f->ctx, &out, copy);
		if (ret == 0) {
			assert_int_equal(cell_config_encode_alloc(out, &bytes, &size), 0);
			cell_free(bytes);
			cell_config_free(out);
			ok++;
		} else {
			assert_int_equal(ret, -EBADMSG);
			assert_true(strlen(cell_ctx_last_error(f->ctx)) > 0);
			bad++;
		}
	}
	/* Both outcomes must actually occur for the test to mean anything. */
	assert_true(ok > 0 && bad > 0);
	free(copy);
	cell_free(json);
	cell_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json__examples_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__qemu_example_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__examples_pass_checker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__cell_and_raw_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__u64_extremes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__errors_name_the_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__input_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__revision_13, setup, teardown),
		cmocka_unit_test(test_json__mem_flag_names),
		cmocka_unit_test_setup_teardown(test_json__upstream_qemu_arm64_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json__mutations_never_crash, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
