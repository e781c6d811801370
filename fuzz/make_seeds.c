/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Seed corpora of the fuzzers, generated at build time rather than kept as
 * binaries in git: every example configuration given on the command line
 * (JSON), plus configurations built here with the builder API so that
 * every array type, both architectures' platform fields and the revision 13
 * format are represented.
 *
 * usage: make_seeds CELL_DIR JSON_DIR [EXAMPLE.json ...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcell/cell.h>

static const char *cell_dir, *json_dir;

static cell_ctx *io_ctx;

static int write_file(const char *dir, const char *name, const char *ext, const void *data,
		      size_t size)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	if (cell_file_write(io_ctx, path, data, size)) {
		fprintf(stderr, "make_seeds: %s\n", cell_ctx_last_error(io_ctx));
		return -1;
	}
	return 0;
}

static int emit(cell_ctx *ctx, const cell_config *cfg, const char *name)
{
	uint8_t *bytes;
	size_t size;
	char *json;

	if (cell_config_encode_alloc(cfg, &bytes, &size) || cell_config_to_json(cfg, &json)) {
		fprintf(stderr, "make_seeds: %s: %s\n", name, cell_ctx_last_error(ctx));
		return -1;
	}
	if (write_file(cell_dir, name, ".cell", bytes, size) ||
	    write_file(json_dir, name, ".json", json, strlen(json))) {
		cell_free(bytes);
		cell_free(json);
		return -1;
	}
	cell_free(bytes);
	cell_free(json);
	return 0;
}

/* The file as a NUL-terminated string, or NULL (message printed). */
static char *read_text(const char *path)
{
	uint8_t *bytes;
	size_t len;
	char *text;

	if (cell_file_read(io_ctx, path, 16u << 20, &bytes, &len)) {
		fprintf(stderr, "make_seeds: %s\n", cell_ctx_last_error(io_ctx));
		return NULL;
	}
	text = malloc(len + 1);
	if (text) {
		memcpy(text, bytes, len);
		text[len] = '\0';
	}
	cell_free(bytes);
	return text;
}

/* An ARM64 system configuration touching every array. */
static int build_arm64_system(cell_ctx *ctx, cell_config **out)
{
	struct cell_memory ram = { 0x40000000, 0x40000000, 0x10000000,
				   CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE };
	struct cell_memory uart = { 0x09000000, 0x09000000, 0x1000,
				    CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO | CELL_MEM_IO_32 };
	struct cell_irqchip gicd = { 0x08000000, 0, 32, { 0xffffffff, 0xffffffff, 0, 0 } };
	struct cell_pci_device dev = { 0 };
	struct cell_pci_capability cap = { 0x10, 0x40, 60, CELL_PCICAPS_WRITE };
	struct cell_system sys;
	cell_config *cfg;
	uint32_t sid = 0x100;

	if (cell_config_new(ctx, &cfg, CELL_CONFIG_SYSTEM, CELL_ARCH_ARM64))
		return -1;
	if (cell_config_get_system(cfg, &sys))
		goto fail;
	sys.hypervisor_memory.phys_start = 0x7fc00000;
	sys.hypervisor_memory.size = 0x400000;
	sys.platform.pci_mmconfig_base = 0x4010000000ull;
	sys.platform.pci_mmconfig_end_bus = 0xff;
	sys.platform.pci_domain = 0xffff;
	sys.platform.arm_gic_version = 3;
	sys.platform.arm_maintenance_irq = 25;
	sys.platform.arm_gicd_base = 0x08000000;
	sys.platform.arm_gicr_base = 0x080a0000;
	dev.type = CELL_PCI_TYPE_DEVICE;
	dev.bdf = 0x0008;
	dev.num_caps = 1;
	dev.num_msi_vectors = 1;
	dev.msi_flags = CELL_PCI_MSI_64BITS;
	if (cell_config_set_system(cfg, &sys) || cell_config_set_name(cfg, "seed-root") ||
	    cell_config_add_cpu(cfg, 0) || cell_config_add_cpu(cfg, 1) ||
	    cell_config_memory_insert(cfg, 0, &ram) || cell_config_memory_insert(cfg, 1, &uart) ||
	    cell_config_irqchip_insert(cfg, 0, &gicd) ||
	    cell_config_pci_device_insert(cfg, 0, &dev) ||
	    cell_config_pci_cap_insert(cfg, 0, &cap) || cell_config_stream_id_insert(cfg, 0, &sid))
		goto fail;
	*out = cfg;
	return 0;
fail:
	fprintf(stderr, "make_seeds: arm64 system: %s\n", cell_ctx_last_error(ctx));
	cell_config_free(cfg);
	return -1;
}

/* An x86 system configuration with port I/O, cache and IOMMU entries. */
static int build_x86_system(cell_ctx *ctx, cell_config **out)
{
	struct cell_memory ram = { 0x0, 0x0, 0x100000, CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_DMA };
	struct cell_pio pio = { 0x3f8, 8 };
	struct cell_cache cache = { 0, 4, 3, 0, 1 };
	struct cell_iommu iommu = { 0 };
	cell_config *cfg;

	if (cell_config_new(ctx, &cfg, CELL_CONFIG_SYSTEM, CELL_ARCH_X86))
		return -1;
	iommu.type = CELL_IOMMU_INTEL;
	iommu.base = 0xfed90000;
	iommu.size = 0x1000;
	if (cell_config_set_name(cfg, "seed-x86") || cell_config_add_cpu(cfg, 0) ||
	    cell_config_memory_insert(cfg, 0, &ram) || cell_config_pio_insert(cfg, 0, &pio) ||
	    cell_config_cache_insert(cfg, 0, &cache) || cell_config_iommu_set(cfg, 0, &iommu))
		goto fail;
	*out = cfg;
	return 0;
fail:
	fprintf(stderr, "make_seeds: x86 system: %s\n", cell_ctx_last_error(ctx));
	cell_config_free(cfg);
	return -1;
}

/* A non-root ARM64 cell, written as revision 14 and as revision 13. */
static int build_cell(cell_ctx *ctx, cell_config **out)
{
	struct cell_memory ram = { 0x50000000, 0, 0x1000000,
				   CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_LOADABLE };
	struct cell_memory comm = { 0, 0x80000000, 0x1000,
				    CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_COMM_REGION };
	cell_config *cfg;

	if (cell_config_new(ctx, &cfg, CELL_CONFIG_CELL, CELL_ARCH_ARM64))
		return -1;
	if (cell_config_set_name(cfg, "seed-cell") || cell_config_add_cpu(cfg, 2) ||
	    cell_config_memory_insert(cfg, 0, &ram) || cell_config_memory_insert(cfg, 1, &comm))
		goto fail;
	*out = cfg;
	return 0;
fail:
	fprintf(stderr, "make_seeds: cell: %s\n", cell_ctx_last_error(ctx));
	cell_config_free(cfg);
	return -1;
}

int main(int argc, char **argv)
{
	cell_config *cfg;
	cell_ctx *ctx;
	int i, ret = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: make_seeds CELL_DIR JSON_DIR [EXAMPLE.json ...]\n");
		return 2;
	}
	cell_dir = argv[1];
	json_dir = argv[2];
	if (cell_ctx_new(&ctx))
		return 1;
	io_ctx = ctx;

	if (!build_arm64_system(ctx, &cfg)) {
		ret |= emit(ctx, cfg, "builder-arm64-system");
		cell_config_free(cfg);
	} else {
		ret = 1;
	}
	if (!build_x86_system(ctx, &cfg)) {
		ret |= emit(ctx, cfg, "builder-x86-system");
		cell_config_free(cfg);
	} else {
		ret = 1;
	}
	if (!build_cell(ctx, &cfg)) {
		ret |= emit(ctx, cfg, "builder-arm64-cell");
		if (cell_config_set_revision(cfg, CELL_CONFIG_REVISION_13))
			ret = 1;
		else
			ret |= emit(ctx, cfg, "builder-arm64-cell-rev13");
		cell_config_free(cfg);
	} else {
		ret = 1;
	}

	for (i = 3; i < argc; i++) {
		const char *base = strrchr(argv[i], '/');
		char name[256];
		char *text = read_text(argv[i]);

		snprintf(name, sizeof(name), "example%d-%s", i - 2, base ? base + 1 : argv[i]);
		name[strcspn(name, ".")] = '\0';
		if (!text)
			return 1;
		if (cell_config_from_json(ctx, &cfg, text)) {
			fprintf(stderr, "make_seeds: %s: %s\n", argv[i], cell_ctx_last_error(ctx));
			free(text);
			ret = 1;
			continue;
		}
		/* Keep the example's own text (comments, hex spelling) as a seed too. */
		ret |= write_file(json_dir, name, ".src.json", text, strlen(text));
		ret |= emit(ctx, cfg, name);
		cell_config_free(cfg);
		free(text);
	}
	cell_ctx_free(ctx);
	return ret ? 1 : 0;
}
