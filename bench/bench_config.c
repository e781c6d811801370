/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decode and validation throughput on a large synthetic system
 * configuration built with the builder API: thousands of memory regions
 * (RAM, device MMIO and root-shared windows), a full GIC irqchip set and
 * PCI devices with capabilities.
 *
 * usage: bench_config [--regions N] [--seconds S] [--smoke]
 * Prints configs/s and MB/s for decode, decode+check and encode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libcell/cell.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int build(cell_ctx *ctx, unsigned int regions, cell_config **out)
{
	struct cell_system sys;
	cell_config *cfg;
	unsigned int i;

	if (cell_config_new(ctx, &cfg, CELL_CONFIG_SYSTEM, CELL_ARCH_ARM64))
		return -1;
	if (cell_config_get_system(cfg, &sys))
		goto fail;
	sys.hypervisor_memory.phys_start = 0x7fc00000;
	sys.hypervisor_memory.size = 0x400000;
	sys.platform.arm_gic_version = 3;
	sys.platform.arm_gicd_base = 0x08000000;
	sys.platform.arm_gicr_base = 0x080a0000;
	sys.platform.pci_domain = 0xffff;
	if (cell_config_set_system(cfg, &sys) || cell_config_set_name(cfg, "bench-root"))
		goto fail;
	for (i = 0; i < 64; i++)
		if (cell_config_add_cpu(cfg, i))
			goto fail;
	/* Disjoint, page-aligned regions of three kinds, so the checker's
	 * overlap and alignment rules see realistic, error-free input. */
	for (i = 0; i < regions; i++) {
		struct cell_memory m;

		m.phys_start = 0x100000000ull + (uint64_t)i * 0x200000;
		m.virt_start = m.phys_start;
		m.size = 0x100000;
		switch (i % 3) {
		case 0:
			m.flags = CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE | CELL_MEM_DMA;
			break;
		case 1:
			m.flags = CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO;
			break;
		default:
			m.flags = CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_ROOTSHARED;
			break;
		}
		if (cell_config_memory_insert(cfg, i, &m))
			goto fail;
	}
	for (i = 0; i < 8; i++) {
		struct cell_irqchip chip = { 0x08000000, 0, 32 + 128 * i,
					     { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff } };

		if (cell_config_irqchip_insert(cfg, i, &chip))
			goto fail;
	}
	for (i = 0; i < 256; i++) {
		struct cell_pci_device dev;
		struct cell_pci_capability cap = { 0x05, 0x50, 14, CELL_PCICAPS_WRITE };

		memset(&dev, 0, sizeof(dev));
		dev.type = CELL_PCI_TYPE_DEVICE;
		dev.bdf = (uint16_t)(i << 3);
		dev.caps_start = (uint16_t)i;
		dev.num_caps = 1;
		dev.num_msi_vectors = 1;
		if (cell_config_pci_device_insert(cfg, i, &dev) ||
		    cell_config_pci_cap_insert(cfg, i, &cap))
			goto fail;
	}
	*out = cfg;
	return 0;
fail:
	fprintf(stderr, "bench_config: building the configuration: %s\n",
		cell_ctx_last_error(ctx));
	cell_config_free(cfg);
	return -1;
}

enum op { OP_DECODE, OP_DECODE_CHECK, OP_ENCODE };

/* Runs @op for about @seconds (at least 3 times); returns iterations/s. */
static double run(cell_ctx *ctx, enum op op, const cell_config *src, const uint8_t *bytes,
		  size_t size, double seconds, size_t *errors)
{
	double start = now(), elapsed;
	unsigned long n = 0;

	do {
		cell_config *cfg = NULL;
		cell_findings *findings = NULL;
		uint8_t *out;
		size_t len;

		switch (op) {
		case OP_ENCODE:
			if (cell_config_encode_alloc(src, &out, &len) || len != size)
				return -1;
			cell_free(out);
			break;
		case OP_DECODE_CHECK:
		case OP_DECODE:
			if (cell_config_decode(ctx, &cfg, bytes, size))
				return -1;
			if (op == OP_DECODE_CHECK) {
				if (cell_check_config(cfg, &findings))
					return -1;
				*errors = cell_findings_errors(findings);
				cell_findings_free(findings);
			}
			cell_config_free(cfg);
			break;
		}
		n++;
		elapsed = now() - start;
	} while (elapsed < seconds || n < 3);
	return (double)n / elapsed;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "decode", "decode+check", "encode" };
	unsigned int regions = 4096;
	double seconds = 2.0;
	cell_config *cfg;
	cell_ctx *ctx;
	uint8_t *bytes;
	size_t size, errors = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--regions") && i + 1 < argc) {
			regions = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = strtod(argv[++i], NULL);
		} else if (!strcmp(argv[i], "--smoke")) {
			regions = 1000;
			seconds = 0.05;
		} else {
			fprintf(stderr, "usage: bench_config [--regions N] [--seconds S] [--smoke]\n");
			return 2;
		}
	}
	if (cell_ctx_new(&ctx))
		return 1;
	if (build(ctx, regions, &cfg) || cell_config_encode_alloc(cfg, &bytes, &size)) {
		fprintf(stderr, "bench_config: %s\n", cell_ctx_last_error(ctx));
		return 1;
	}
	printf("bench_config: arm64 system configuration, %u memory regions, 8 irqchips, "
	       "256 PCI devices: %zu bytes\n", regions, size);
	for (i = OP_DECODE; i <= OP_ENCODE; i++) {
		double rate = run(ctx, (enum op)i, cfg, bytes, size, seconds, &errors);

		if (rate < 0) {
			fprintf(stderr, "bench_config: %s failed: %s\n", names[i],
				cell_ctx_last_error(ctx));
			return 1;
		}
		printf("  %-13s %10.1f configs/s %9.1f MB/s %9.0f regions/s\n", names[i], rate,
		       rate * (double)size / 1e6, rate * regions);
	}
	/* The synthetic configuration is valid: any error finding means the
	 * benchmark measured the wrong thing. */
	if (errors) {
		fprintf(stderr, "bench_config: the checker reports %zu errors on the synthetic "
			"configuration\n", errors);
		return 1;
	}
	cell_free(bytes);
	cell_config_free(cfg);
	cell_ctx_free(ctx);
	return 0;
}
