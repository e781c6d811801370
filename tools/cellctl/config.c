/* SPDX-License-Identifier: BSD-2-Clause */
/* cellctl config: decode, encode and show cell configurations. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellctl.h"

/* Same limit as cell_config_load() for binary images. */
#define INPUT_MAX	(16u << 20)

static void config_usage(FILE *f)
{
	fprintf(f,
		"usage: cellctl config decode FILE.cell [-o OUT.json]\n"
		"       cellctl config encode FILE -o OUT.cell [--arch ARCH] [--revision 14|13]\n"
		"       cellctl config show FILE\n"
		"       cellctl config check [--json] SYSTEM [CELL ...]\n"
		"       cellctl config create --dtb HOST.dtb ... (see 'config create --help')\n"
		"decode prints the lossless JSON form (docs/config-json.md); encode takes\n"
		"JSON or a .cell image and writes OUT.cell atomically; show prints a\n"
		"readable summary of either; check runs the configuration checker\n"
		"(docs/checker.md). ARCH is arm64, arm or x86.\n");
}

int cellctl_read_text(cell_ctx *ctx, const char *path, char **out, size_t *size)
{
	uint8_t *bytes;
	size_t n;
	char *buf;
	int ret;

	ret = cell_file_read(ctx, path, INPUT_MAX, &bytes, &n);
	if (ret) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		return ret;
	}
	buf = malloc(n + 1);
	if (!buf) {
		cell_free(bytes);
		cellctl_err("%s: out of memory", path);
		return -ENOMEM;
	}
	memcpy(buf, bytes, n);
	buf[n] = '\0';
	cell_free(bytes);
	*out = buf;
	*size = n;
	return 0;
}

static int is_image(const char *buf, size_t size)
{
	return size >= 5 && (!memcmp(buf, "JHSYS", 5) || !memcmp(buf, "JHCLL", 5) ||
			     !memcmp(buf, "JHCEL", 5));
}

/*
 * Loads a configuration from a .cell image or its JSON form, told apart by
 * the signature. Returns 0 or CELLCTL_FAIL after printing the error.
 */
static int load_any(cell_ctx *ctx, const char *path, cell_config **out)
{
	char *buf = NULL;
	size_t size = 0;
	int ret;

	if (cellctl_read_text(ctx, path, &buf, &size))
		return CELLCTL_FAIL;
	if (is_image(buf, size)) {
		ret = cell_config_decode(ctx, out, buf, size);
	} else if (strlen(buf) != size) {
		cellctl_err("%s: neither a .cell image nor JSON text (NUL byte at offset %zu)",
			    path, strlen(buf));
		free(buf);
		return CELLCTL_FAIL;
	} else {
		ret = cell_config_from_json(ctx, out, buf);
	}
	free(buf);
	if (ret) {
		cellctl_err("%s: %s", path, cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	return 0;
}

static int cmd_decode(cell_ctx *ctx, int argc, char **argv)
{
	const char *in = NULL, *outpath = NULL;
	cell_config *cfg;
	char *json;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			outpath = argv[++i];
		} else if (argv[i][0] == '-' || in) {
			cellctl_err("decode: unexpected argument '%s'", argv[i]);
			config_usage(stderr);
			return CELLCTL_USAGE;
		} else {
			in = argv[i];
		}
	}
	if (!in) {
		config_usage(stderr);
		return CELLCTL_USAGE;
	}
	ret = cell_config_load(ctx, &cfg, in);
	if (ret) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	ret = cell_config_to_json(cfg, &json);
	cell_config_free(cfg);
	if (ret) {
		cellctl_err("%s: %s", in, cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	if (outpath) {
		ret = cell_file_write(ctx, outpath, json, strlen(json));
		cell_free(json);
		if (ret) {
			cellctl_err("%s", cell_ctx_last_error(ctx));
			return CELLCTL_FAIL;
		}
		return CELLCTL_OK;
	}
	fputs(json, stdout);
	cell_free(json);
	if (fflush(stdout)) {
		cellctl_err("writing the JSON form: %s", strerror(errno));
		return CELLCTL_FAIL;
	}
	return CELLCTL_OK;
}

static int parse_arch(const char *s, uint32_t *out)
{
	if (!strcmp(s, "arm64"))
		*out = CELL_ARCH_ARM64;
	else if (!strcmp(s, "arm"))
		*out = CELL_ARCH_ARM;
	else if (!strcmp(s, "x86"))
		*out = CELL_ARCH_X86;
	else
		return -1;
	return 0;
}

static int cmd_encode(cell_ctx *ctx, int argc, char **argv)
{
	const char *in = NULL, *outpath = NULL;
	uint32_t arch = CELL_ARCH_UNKNOWN, rev = 0;
	cell_config *cfg;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			outpath = argv[++i];
		} else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
			if (parse_arch(argv[++i], &arch)) {
				cellctl_err("--arch: unknown architecture '%s' (arm64, arm, x86)",
					    argv[i]);
				return CELLCTL_USAGE;
			}
		} else if (!strcmp(argv[i], "--revision") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "14")) {
				rev = CELL_CONFIG_REVISION;
			} else if (!strcmp(argv[i], "13")) {
				rev = CELL_CONFIG_REVISION_13;
			} else {
				cellctl_err("--revision: '%s' is not 14 or 13", argv[i]);
				return CELLCTL_USAGE;
			}
		} else if (argv[i][0] == '-' || in) {
			cellctl_err("encode: unexpected argument '%s'", argv[i]);
			config_usage(stderr);
			return CELLCTL_USAGE;
		} else {
			in = argv[i];
		}
	}
	if (!in || !outpath) {
		config_usage(stderr);
		return CELLCTL_USAGE;
	}
	ret = load_any(ctx, in, &cfg);
	if (ret)
		return ret;
	if ((arch != CELL_ARCH_UNKNOWN && cell_config_set_arch(cfg, arch)) ||
	    (rev && cell_config_set_revision(cfg, rev))) {
		cellctl_err("%s: %s", in, cell_ctx_last_error(ctx));
		cell_config_free(cfg);
		return CELLCTL_FAIL;
	}
	if (cell_config_revision(cfg) == CELL_CONFIG_REVISION &&
	    cell_config_arch(cfg) == CELL_ARCH_UNKNOWN) {
		cellctl_err("%s: records no architecture (revision 13); give --arch to write revision 14",
			    in);
		cell_config_free(cfg);
		return CELLCTL_FAIL;
	}
	ret = cell_config_save(cfg, outpath);
	cell_config_free(cfg);
	if (ret) {
		cellctl_err("%s", cell_ctx_last_error(ctx));
		return CELLCTL_FAIL;
	}
	return CELLCTL_OK;
}

/* ------------------------------------------------------------------------
 * show
 */
static const char *const arch_names[] = { "x86", "arm", "arm64" };
static const char *const con_types[] = {
	"NONE", "EFIFB", "8250", "PL011", "XUARTPS", "MVEBU", "HSCIF", "SCIFA",
	"IMX", "IMX_LPUART", "SCIF"
};
static const char *const pci_types[] = { "?", "DEVICE", "BRIDGE", "IVSHMEM" };
static const char *const iommu_types[] = {
	"?", "AMD", "INTEL", "SMMUV3", "PVU", "ARM_MMU500"
};

struct bitname {
	uint64_t bit;
	const char *name;
};

static const struct bitname cell_flag_names[] = {
	{ CELL_FLAG_PASSIVE_COMMREG, "PASSIVE_COMMREG" },
	{ CELL_FLAG_TEST_DEVICE, "TEST_DEVICE" },
	{ CELL_FLAG_AARCH32, "AARCH32" },
	{ CELL_FLAG_VIRTUAL_CONSOLE_PERMITTED, "VIRTUAL_CONSOLE_PERMITTED" },
	{ CELL_FLAG_VIRTUAL_CONSOLE_ACTIVE, "VIRTUAL_CONSOLE_ACTIVE" },
	{ 0, NULL }
};

static const struct bitname con_flag_names[] = {
	{ CELL_CON_ACCESS_MMIO, "ACCESS_MMIO" },
	{ CELL_CON_REGDIST_4, "REGDIST_4" },
	{ CELL_CON_FB_1920x1080, "FB_1920x1080" },
	{ CELL_CON_INVERTED_GATE, "INVERTED_GATE" },
	{ CELL_CON_MDR_QUIRK, "MDR_QUIRK" },
	{ 0, NULL }
};

static const struct bitname sys_flag_names[] = {
	{ CELL_SYS_VIRTUAL_DEBUG_CONSOLE, "VIRTUAL_DEBUG_CONSOLE" },
	{ 0, NULL }
};

static void print_bits(uint64_t v, const struct bitname *names)
{
	const char *sep = "";

	if (!v) {
		fputs("-", stdout);
		return;
	}
	for (; names->name; names++) {
		if (v & names->bit) {
			printf("%s%s", sep, names->name);
			v &= ~names->bit;
			sep = " ";
		}
	}
	if (v)
		printf("%s0x%" PRIx64, sep, v);
}

static void print_mem_flags(uint64_t v)
{
	const char *sep = "", *name;
	uint64_t bit;

	if (!v) {
		fputs("-", stdout);
		return;
	}
	for (bit = 1; bit; bit <<= 1) {
		name = cell_mem_flag_name(bit);
		if ((v & bit) && name) {
			printf("%s%s", sep, name);
			v &= ~bit;
			sep = " ";
		}
	}
	if (v)
		printf("%s0x%" PRIx64, sep, v);
}

static const char *name_of(const char *const *names, size_t n, uint64_t v)
{
	return v < n ? names[v] : "?";
}

#define NAME_OF(tbl, v) name_of(tbl, sizeof(tbl) / sizeof(tbl[0]), v)

static void print_size(uint64_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t v = size;
	int u = -1;

	printf("0x%" PRIx64, size);
	while (v >= 1024 && !(v % 1024) && u < 3) {
		v /= 1024;
		u++;
	}
	if (u >= 0)
		printf(" (%" PRIu64 " %s)", v, units[u]);
}

/* Prints a sorted list of numbers as ranges: "0-3 6 8-9". */
static void print_ranges(const uint32_t *v, size_t n)
{
	size_t i = 0, j;

	if (!n)
		fputs("none", stdout);
	while (i < n) {
		j = i;
		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		if (j > i)
			printf("%s%u-%u", i ? " " : "", v[i], v[j]);
		else
			printf("%s%u", i ? " " : "", v[i]);
		i = j + 1;
	}
}

static void print_console(const char *label, const struct cell_console *c)
{
	printf("%s: %s", label, NAME_OF(con_types, c->type));
	if (c->type == CELL_CON_TYPE_NONE && !c->address) {
		putchar('\n');
		return;
	}
	printf(" at 0x%" PRIx64 " size 0x%x, flags ", c->address, c->size);
	print_bits(c->flags, con_flag_names);
	if (c->divider || c->gate_nr || c->clock_reg)
		printf(", divider %u gate %u clock_reg 0x%" PRIx64, c->divider,
		       c->gate_nr, c->clock_reg);
	putchar('\n');
}

static void show_system(const cell_config *cfg)
{
	struct cell_system sys;
	const struct cell_platform *pf = &sys.platform;
	struct cell_iommu unit;
	uint32_t i;

	if (cell_config_get_system(cfg, &sys))
		return;
	fputs("System flags: ", stdout);
	print_bits(sys.flags, sys_flag_names);
	printf("\nHypervisor memory: 0x%" PRIx64 " size ", sys.hypervisor_memory.phys_start);
	print_size(sys.hypervisor_memory.size);
	putchar('\n');
	print_console("Debug console", &sys.debug_console);
	if (pf->pci_mmconfig_base)
		printf("PCI: mmconfig 0x%" PRIx64 " end bus %u, %s, domain %u\n",
		       pf->pci_mmconfig_base, pf->pci_mmconfig_end_bus,
		       pf->pci_is_virtual ? "virtual" : "physical", pf->pci_domain);
	else
		puts("PCI: none");
	if (cell_config_arch(cfg) == CELL_ARCH_X86) {
		printf("x86: pm_timer 0x%x, apic_mode %u, vtd_interrupt_limit %u, tsc %u kHz, apic %u kHz\n",
		       pf->x86_pm_timer_address, pf->x86_apic_mode,
		       pf->x86_vtd_interrupt_limit, pf->x86_tsc_khz, pf->x86_apic_khz);
	} else {
		printf("GIC: v%u, maintenance IRQ %u, gicd 0x%" PRIx64, pf->arm_gic_version,
		       pf->arm_maintenance_irq, pf->arm_gicd_base);
		if (pf->arm_gicr_base)
			printf(" gicr 0x%" PRIx64, pf->arm_gicr_base);
		if (pf->arm_gicc_base || pf->arm_gich_base || pf->arm_gicv_base)
			printf(" gicc 0x%" PRIx64 " gich 0x%" PRIx64 " gicv 0x%" PRIx64,
			       pf->arm_gicc_base, pf->arm_gich_base, pf->arm_gicv_base);
		putchar('\n');
	}
	for (i = 0; i < CELL_IOMMU_MAX; i++) {
		if (cell_config_iommu_get(cfg, i, &unit) || !unit.base)
			continue;
		printf("IOMMU %u: %s at 0x%" PRIx64 " size 0x%x\n", i,
		       NAME_OF(iommu_types, unit.type), unit.base, unit.size);
	}
}

static void show_irqchip(uint32_t index, const struct cell_irqchip *c)
{
	uint32_t pins[128];
	size_t n = 0;
	unsigned int w, b;

	for (w = 0; w < 4; w++)
		for (b = 0; b < 32; b++)
			if (c->pin_bitmap[w] & (1u << b))
				pins[n++] = c->pin_base + 32 * w + b;
	printf("  %-3u 0x%-16" PRIx64 " id %u  pins ", index, c->address, c->id);
	print_ranges(pins, n);
	putchar('\n');
}

static void show_arrays(const cell_config *cfg)
{
	struct cell_memory m;
	struct cell_cache cache;
	struct cell_irqchip irq;
	struct cell_pio pio;
	struct cell_pci_device dev;
	struct cell_pci_capability cap;
	uint32_t i, sid;
	int n;

	n = cell_config_memory_count(cfg);
	printf("Memory regions (%d):\n", n);
	if (n > 0)
		printf("  %-3s %-18s %-18s %-18s %s\n", "#", "phys", "virt", "size",
		       "flags");
	for (i = 0; i < (uint32_t)n && !cell_config_memory_get(cfg, i, &m); i++) {
		printf("  %-3u 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%016" PRIx64 " ",
		       i, m.phys_start, m.virt_start, m.size);
		print_mem_flags(m.flags);
		putchar('\n');
	}
	n = cell_config_irqchip_count(cfg);
	printf("Irqchips (%d):\n", n);
	for (i = 0; i < (uint32_t)n && !cell_config_irqchip_get(cfg, i, &irq); i++)
		show_irqchip(i, &irq);
	n = cell_config_pci_device_count(cfg);
	if (n > 0)
		printf("PCI devices (%d):\n", n);
	for (i = 0; i < (uint32_t)n && !cell_config_pci_device_get(cfg, i, &dev); i++) {
		printf("  %-3u %-7s %04x:%02x:%02x.%u iommu %u caps %u+%u msi %u msix %u",
		       i, NAME_OF(pci_types, dev.type), dev.domain, dev.bdf >> 8,
		       (dev.bdf >> 3) & 0x1f, dev.bdf & 7, dev.iommu, dev.caps_start,
		       dev.num_caps, dev.num_msi_vectors, dev.num_msix_vectors);
		if (dev.type == CELL_PCI_TYPE_IVSHMEM)
			printf(" shmem regions from %u, dev_id %u of %u peers, protocol 0x%x",
			       dev.shmem_regions_start, dev.shmem_dev_id,
			       dev.shmem_peers, dev.shmem_protocol);
		putchar('\n');
	}
	n = cell_config_pci_cap_count(cfg);
	if (n > 0)
		printf("PCI capabilities (%d):\n", n);
	for (i = 0; i < (uint32_t)n && !cell_config_pci_cap_get(cfg, i, &cap); i++)
		printf("  %-3u %s 0x%02x start 0x%x len %u%s\n", i,
		       cap.id & CELL_PCI_EXT_CAP ? "ext" : "std",
		       cap.id & (CELL_PCI_EXT_CAP - 1), cap.start, cap.len,
		       cap.flags & CELL_PCICAPS_WRITE ? " WRITE" : "");
	n = cell_config_pio_count(cfg);
	if (n > 0)
		printf("Port I/O regions (%d):\n", n);
	for (i = 0; i < (uint32_t)n && !cell_config_pio_get(cfg, i, &pio); i++)
		printf("  %-3u 0x%04x length 0x%x\n", i, pio.base, pio.length);
	n = cell_config_cache_count(cfg);
	if (n > 0)
		printf("Cache regions (%d):\n", n);
	for (i = 0; i < (uint32_t)n && !cell_config_cache_get(cfg, i, &cache); i++)
		printf("  %-3u start %u size %u type %u%s\n", i, cache.start,
		       cache.size, cache.type, cache.flags & 1 ? " ROOTSHARED" : "");
	n = cell_config_stream_id_count(cfg);
	if (n > 0) {
		printf("Stream IDs (%d):", n);
		for (i = 0; i < (uint32_t)n && !cell_config_stream_id_get(cfg, i, &sid); i++)
			printf(" 0x%x", sid);
		putchar('\n');
	}
}

static int cmd_show(cell_ctx *ctx, int argc, char **argv)
{
	struct cell_desc desc;
	cell_config *cfg;
	uint32_t *cpus;
	int ret, n;

	if (argc != 2) {
		config_usage(stderr);
		return CELLCTL_USAGE;
	}
	ret = load_any(ctx, argv[1], &cfg);
	if (ret)
		return ret;
	cell_config_get_desc(cfg, &desc);
	printf("%s: %s configuration, %s, revision %u\n", argv[1],
	       cell_config_kind(cfg) == CELL_CONFIG_SYSTEM ? "system" : "cell",
	       cell_config_arch(cfg) == CELL_ARCH_UNKNOWN ? "architecture unknown" :
	       NAME_OF(arch_names, cell_config_arch(cfg)), cell_config_revision(cfg));
	if (cell_config_kind(cfg) == CELL_CONFIG_SYSTEM)
		show_system(cfg);
	printf("%s \"%s\": id %u, flags ",
	       cell_config_kind(cfg) == CELL_CONFIG_SYSTEM ? "Root cell" : "Cell",
	       cell_config_name(cfg), desc.id);
	print_bits(desc.flags, cell_flag_names);
	n = cell_config_cpus(cfg, NULL, 0);
	cpus = calloc(n > 0 ? (size_t)n : 1, sizeof(*cpus));
	if (!cpus) {
		cell_config_free(cfg);
		cellctl_err("out of memory");
		return CELLCTL_FAIL;
	}
	cell_config_cpus(cfg, cpus, (uint32_t)n);
	fputs("\nCPUs: ", stdout);
	print_ranges(cpus, (size_t)n);
	free(cpus);
	printf(" (set of %u bytes)\n", cell_config_cpu_set_size(cfg));
	printf("vpci_irq_base %u, cpu_reset_address 0x%" PRIx64 ", msg_reply_timeout %" PRIu64 "\n",
	       desc.vpci_irq_base, desc.cpu_reset_address, desc.msg_reply_timeout);
	print_console("Console", &desc.console);
	show_arrays(cfg);
	cell_config_free(cfg);
	return fflush(stdout) ? CELLCTL_FAIL : CELLCTL_OK;
}

int cellctl_config(cell_ctx *ctx, int argc, char **argv)
{
	if (argc < 2) {
		config_usage(stderr);
		return CELLCTL_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		config_usage(stdout);
		return CELLCTL_OK;
	}
	if (!strcmp(argv[1], "decode"))
		return cmd_decode(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "encode"))
		return cmd_encode(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return cmd_show(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cellctl_config_check(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "create"))
		return cellctl_config_create(ctx, argc - 1, argv + 1);
	cellctl_err("config: unknown subcommand '%s'", argv[1]);
	config_usage(stderr);
	return CELLCTL_USAGE;
}
