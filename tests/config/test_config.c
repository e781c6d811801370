/* SPDX-License-Identifier: BSD-2-Clause */
/* Codec tests: builder, byte-exact round trips, and hostile inputs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <libcell/abi/cell-abi.h>
#include <libcell/cell.h>

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

/* A small QEMU-virt-like system configuration built through the API. */
static cell_config *build_system(cell_ctx *ctx)
{
	struct cell_system sys = { 0 };
	struct cell_desc desc = { 0 };
	struct cell_memory ram = { 0x40000000, 0x40000000, 0x3fa00000,
				   CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_EXECUTE };
	struct cell_memory uart = { 0x09000000, 0x09000000, 0x1000,
				    CELL_MEM_READ | CELL_MEM_WRITE | CELL_MEM_IO };
	struct cell_irqchip gicd = { 0x08000000, 0, 32,
				     { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff } };
	cell_config *cfg;
	uint32_t cpu;

	assert_int_equal(cell_config_new(ctx, &cfg, CELL_CONFIG_SYSTEM,
					 CELL_ARCH_ARM64), 0);
	sys.flags = CELL_SYS_VIRTUAL_DEBUG_CONSOLE;
	sys.hypervisor_memory.phys_start = 0x7fc00000;
	sys.hypervisor_memory.size = 0x400000;
	sys.debug_console.address = 0x09000000;
	sys.debug_console.size = 0x1000;
	sys.debug_console.type = CELL_CON_TYPE_PL011;
	sys.debug_console.flags = CELL_CON_ACCESS_MMIO | CELL_CON_REGDIST_4;
	sys.platform.pci_domain = 0xffff;
	sys.platform.arm_gic_version = 3;
	sys.platform.arm_maintenance_irq = 25;
	sys.platform.arm_gicd_base = 0x08000000;
	sys.platform.arm_gicr_base = 0x080a0000;
	assert_int_equal(cell_config_set_system(cfg, &sys), 0);
	strcpy(desc.name, "qemu-virt");
	desc.vpci_irq_base = 96;
	assert_int_equal(cell_config_set_desc(cfg, &desc), 0);
	for (cpu = 0; cpu < 4; cpu++)
		assert_int_equal(cell_config_add_cpu(cfg, cpu), 0);
	assert_int_equal(cell_config_memory_insert(cfg, 0, &ram), 0);
	assert_int_equal(cell_config_memory_insert(cfg, 0, &uart), 0);
	assert_int_equal(cell_config_irqchip_insert(cfg, 0, &gicd), 0);
	return cfg;
}

static void test_config__build_and_round_trip(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx), *back;
	struct cell_memory m;
	struct cell_system sys;
	uint8_t *a, *b;
	size_t na, nb;
	uint32_t cpus[8];

	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
	/* header 488 + cpu set 8 + 2 memory + 1 irqchip */
	assert_int_equal(na, 488 + 8 + 2 * 32 + 32);
	assert_memory_equal(a, "JHSYS\x02\x0e\x00", 8);
	assert_int_equal(a[313], 3);
	assert_int_equal(a[312], 25);

	assert_int_equal(cell_config_decode(f->ctx, &back, a, na), 0);
	assert_int_equal(cell_config_kind(back), CELL_CONFIG_SYSTEM);
	assert_int_equal(cell_config_arch(back), CELL_ARCH_ARM64);
	assert_string_equal(cell_config_name(back), "qemu-virt");
	assert_int_equal(cell_config_cpus(back, cpus, 8), 4);
	assert_int_equal(cpus[3], 3);
	assert_int_equal(cell_config_memory_count(back), 2);
	assert_int_equal(cell_config_memory_get(back, 1, &m), 0);
	assert_true(m.phys_start == 0x40000000 && m.size == 0x3fa00000);
	assert_int_equal(cell_config_get_system(back, &sys), 0);
	assert_true(sys.platform.arm_gicr_base == 0x080a0000);
	assert_int_equal(cell_config_root_stamped(back), 0);

	assert_int_equal(cell_config_encode_alloc(back, &b, &nb), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	cell_free(a);
	cell_free(b);
	cell_config_free(back);
	cell_config_free(cfg);
}

static void test_config__array_edit(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx);
	struct cell_memory m = { 1, 2, 3, 4 }, got;
	uint32_t sid = 0x42, sid_got;

	assert_int_equal(cell_config_memory_insert(cfg, 5, &m), -ERANGE);
	assert_int_equal(cell_config_memory_insert(cfg, 1, &m), 0);
	assert_int_equal(cell_config_memory_count(cfg), 3);
	assert_int_equal(cell_config_memory_get(cfg, 1, &got), 0);
	assert_memory_equal(&got, &m, sizeof(m));
	m.flags = 9;
	assert_int_equal(cell_config_memory_set(cfg, 1, &m), 0);
	assert_int_equal(cell_config_memory_get(cfg, 1, &got), 0);
	assert_true(got.flags == 9);
	assert_int_equal(cell_config_memory_remove(cfg, 1), 0);
	assert_int_equal(cell_config_memory_count(cfg), 2);
	assert_int_equal(cell_config_memory_get(cfg, 2, &got), -ERANGE);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "memory_regions[2]"));
	assert_int_equal(cell_config_stream_id_insert(cfg, 0, &sid), 0);
	assert_int_equal(cell_config_stream_id_get(cfg, 0, &sid_got), 0);
	assert_int_equal(sid_got, 0x42);
	assert_int_equal(cell_config_memory_count(NULL), -EINVAL);
	cell_config_free(cfg);
}

static void test_config__cpus(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg;
	uint32_t cpus[4];

	assert_int_equal(cell_config_new(f->ctx, &cfg, CELL_CONFIG_CELL,
					 CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_cpu_set_size(cfg), 8);
	assert_int_equal(cell_config_add_cpu(cfg, 2), 0);
	assert_int_equal(cell_config_add_cpu(cfg, 70), 0);
	assert_int_equal(cell_config_cpu_set_size(cfg), 16);
	assert_int_equal(cell_config_cpus(cfg, cpus, 4), 2);
	assert_int_equal(cpus[0], 2);
	assert_int_equal(cpus[1], 70);
	assert_int_equal(cell_config_has_cpu(cfg, 70), 1);
	assert_int_equal(cell_config_remove_cpu(cfg, 70), 0);
	assert_int_equal(cell_config_has_cpu(cfg, 70), 0);
	assert_int_equal(cell_config_add_cpu(cfg, 32768), -E2BIG);
	assert_int_equal(cell_config_set_name(cfg,
		"a-name-that-is-much-longer-than-thirty-one"), -ENAMETOOLONG);
	cell_config_free(cfg);
}

/* Fill every freely-valued byte of a valid image with noise; decode+encode
 * must reproduce it exactly. */
static void test_config__exact_round_trip_noise(void **state)
{
	struct fixture *f = *state;
	unsigned int seed, i;

	for (seed = 1; seed <= 200; seed++) {
		cell_config *cfg = build_system(f->ctx), *back;
		struct cell_pci_device dev;
		struct cell_cache cache;
		struct cell_iommu u;
		uint8_t *a, *b;
		size_t na, nb;

		srand(seed);
		memset(&dev, 0, sizeof(dev));
		dev.type = (uint8_t)rand();
		dev.msi_flags = (uint8_t)rand();
		dev.msix_address = ((uint64_t)rand() << 32) | (uint32_t)rand();
		dev.shmem_protocol = (uint16_t)rand();
		assert_int_equal(cell_config_pci_device_insert(cfg, 0, &dev), 0);
		cache.start = (uint32_t)rand();
		cache.size = (uint32_t)rand();
		cache.type = (uint8_t)rand();
		cache.padding = (uint8_t)rand();
		cache.flags = (uint16_t)rand();
		assert_int_equal(cell_config_cache_insert(cfg, 0, &cache), 0);
		memset(&u, 0, sizeof(u));
		u.type = seed % 2 ? CELL_IOMMU_PVU : CELL_IOMMU_SMMUV3;
		u.base = (uint64_t)rand() << 12;
		u.tipvu_tlb_base = ((uint64_t)rand() << 32) | (uint32_t)rand();
		u.tipvu_tlb_size = (uint32_t)rand();
		if (u.type != CELL_IOMMU_PVU) {
			/* The AMD view overlaps the low 8 bytes of tlb_base. */
			u.amd_bdf = (uint16_t)u.tipvu_tlb_base;
			u.amd_base_cap = (uint8_t)(u.tipvu_tlb_base >> 16);
			u.amd_msi_cap = (uint8_t)(u.tipvu_tlb_base >> 24);
			u.amd_features = (uint32_t)(u.tipvu_tlb_base >> 32);
		}
		assert_int_equal(cell_config_iommu_set(cfg, seed % 8, &u), 0);
		cell_config_set_root_stamped(cfg, seed % 3 == 0);
		assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
		for (i = 0; i < 12; i++) {
			/* Noise in the memory-region bytes, which take any value. */
			a[488 + 8 + (size_t)rand() % 64] = (uint8_t)rand();
		}
		assert_int_equal(cell_config_decode(f->ctx, &back, a, na), 0);
		assert_int_equal(cell_config_encode_alloc(back, &b, &nb), 0);
		assert_int_equal(na, nb);
		assert_memory_equal(a, b, na);
		cell_free(a);
		cell_free(b);
		cell_config_free(back);
		cell_config_free(cfg);
	}
}

static void test_config__every_truncation_fails(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx), *back;
	uint8_t *a;
	size_t na, len;
	int err;

	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
	for (len = 0; len < na; len++) {
		/* A fresh copy of exactly len bytes lets ASan see any over-read. */
		uint8_t *cut = malloc(len ? len : 1);

		memcpy(cut, a, len);
		back = NULL;
		err = cell_config_decode(f->ctx, &back, len ? cut : NULL, len);
		assert_true(err == -ENODATA || err == -EOVERFLOW || err == -EBADMSG);
		assert_null(back);
		assert_true(strlen(cell_ctx_last_error(f->ctx)) > 0);
		if (len == 0)
			assert_int_equal(err, -ENODATA);
		else if (len >= 5 && len < 488)
			assert_int_equal(err, -ENODATA);
		else if (len >= 488)
			assert_int_equal(err, -EOVERFLOW);
		free(cut);
	}
	cell_free(a);
	cell_config_free(cfg);
}

static int decode_err(cell_ctx *ctx, const uint8_t *p, size_t n)
{
	cell_config *c = NULL;
	int err = cell_config_decode(ctx, &c, p, n);

	cell_config_free(c);
	return err;
}

static void test_config__hostile_headers(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx);
	uint8_t *a, *b;
	size_t na;

	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
	b = malloc(na + 1);

	memcpy(b, a, na);
	b[0] = 'X';
	assert_int_equal(decode_err(f->ctx, b, na), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "offset 0"));

	memcpy(b, a, na);
	b[6] = 12;
	assert_int_equal(decode_err(f->ctx, b, na), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "offset 6: revision 12"));

	memcpy(b, a, na);
	b[5] = 7;
	assert_int_equal(decode_err(f->ctx, b, na), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "offset 5"));

	memcpy(b, a, na);
	b[na] = 0;
	assert_int_equal(decode_err(f->ctx, b, na + 1), -E2BIG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "trailing"));

	/* num_memory_regions = 0xffffffff: must fail before allocating. */
	memcpy(b, a, na);
	memset(b + 356 + 52, 0xff, 4);
	assert_int_equal(decode_err(f->ctx, b, na), -EOVERFLOW);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "memory_regions"));

	memcpy(b, a, na);
	memset(b + 356 + 48, 0xff, 4);
	assert_int_equal(decode_err(f->ctx, b, na), -EOVERFLOW);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "cpu_set_size"));

	/* Name without terminator. */
	memcpy(b, a, na);
	memset(b + 356 + 8, 'a', 32);
	assert_int_equal(decode_err(f->ctx, b, na), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "name"));

	/* Reserved platform bytes. */
	memcpy(b, a, na);
	b[314] = 1;
	assert_int_equal(decode_err(f->ctx, b, na), -EBADMSG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "offset 314"));

	/* A root header that is neither zero nor a cell stamp. */
	memcpy(b, a, na);
	b[356] = 'Q';
	assert_int_equal(decode_err(f->ctx, b, na), -EBADMSG);

	free(b);
	cell_free(a);
	cell_config_free(cfg);
}

static void test_config__revision_13(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx), *back;
	struct cell_system sys;
	uint8_t *a, *b;
	size_t na, nb;

	assert_int_equal(cell_config_set_revision(cfg, 13), 0);
	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
	assert_memory_equal(a, "JHSYST\x0d\x00", 8);
	assert_int_equal(cell_config_decode(f->ctx, &back, a, na), 0);
	assert_int_equal(cell_config_revision(back), 13);
	/* The GIC fields identify an ARM system configuration. */
	assert_int_equal(cell_config_arch(back), CELL_ARCH_ARM64);
	assert_int_equal(cell_config_encode_alloc(back, &b, &nb), 0);
	assert_memory_equal(a, b, na);
	cell_free(b);
	/* Upgrade to revision 14. */
	assert_int_equal(cell_config_set_revision(back, 14), 0);
	assert_int_equal(cell_config_encode_alloc(back, &b, &nb), 0);
	assert_memory_equal(b, "JHSYS\x02\x0e\x00", 8);
	assert_memory_equal(a + 8, b + 8, na - 8);
	cell_free(a);
	cell_free(b);
	cell_config_free(back);
	cell_config_free(cfg);

	/*
	 * Revision 13 cannot say which architecture wrote it: refuse systems
	 * that would read back as the other one (found by fuzz_config_json).
	 */
	cfg = build_system(f->ctx);
	assert_int_equal(cell_config_get_system(cfg, &sys), 0);
	sys.platform.arm_gicd_base = 0;
	assert_int_equal(cell_config_set_system(cfg, &sys), 0);
	assert_int_equal(cell_config_set_revision(cfg, 13), 0);
	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "would read back as x86"));
	assert_int_equal(cell_config_set_revision(cfg, 14), 0);
	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
	cell_free(a);
	cell_config_free(cfg);

	assert_int_equal(cell_config_new(f->ctx, &cfg, CELL_CONFIG_SYSTEM,
					 CELL_ARCH_X86), 0);
	memset(&sys, 0, sizeof(sys));
	sys.platform.x86_pm_timer_address = 0x308;	/* high byte looks like GICv3 */
	sys.platform.x86_vtd_interrupt_limit = 256;
	assert_int_equal(cell_config_set_system(cfg, &sys), 0);
	assert_int_equal(cell_config_set_revision(cfg, 13), 0);
	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), -EINVAL);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), "would read back as ARM"));
	sys.platform.x86_pm_timer_address = 0x108;
	assert_int_equal(cell_config_set_system(cfg, &sys), 0);
	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
	assert_int_equal(cell_config_decode(f->ctx, &back, a, na), 0);
	assert_int_equal(cell_config_arch(back), CELL_ARCH_X86);
	cell_free(a);
	cell_config_free(back);
	cell_config_free(cfg);

	/* A revision 13 cell has no architecture until one is set. */
	assert_int_equal(cell_config_new(f->ctx, &cfg, CELL_CONFIG_CELL,
					 CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_set_revision(cfg, 13), 0);
	assert_int_equal(cell_config_encode_alloc(cfg, &a, &na), 0);
	assert_int_equal(na, 132 + 8);
	assert_int_equal(cell_config_decode(f->ctx, &back, a, na), 0);
	assert_int_equal(cell_config_arch(back), CELL_ARCH_UNKNOWN);
	assert_int_equal(cell_config_set_revision(back, 14), 0);
	assert_int_equal(cell_config_encode_alloc(back, &b, &nb), -EBADMSG);
	assert_int_equal(cell_config_set_arch(back, CELL_ARCH_ARM64), 0);
	assert_int_equal(cell_config_encode_alloc(back, &b, &nb), 0);
	assert_memory_equal(b, "JHCLL\x02\x0e\x00", 8);
	cell_free(a);
	cell_free(b);
	cell_config_free(back);
	cell_config_free(cfg);
}

static void test_config__encode_buffer_and_save(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx), *back;
	char dir[] = "/tmp/libcell-test-XXXXXX", path[64];
	uint8_t small[16];
	size_t need = 0;

	assert_int_equal(cell_config_encode(cfg, small, sizeof(small), &need), -ENOSPC);
	assert_int_equal(need, 488 + 8 + 96);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/root.cell", dir);
	assert_int_equal(cell_config_save(cfg, path), 0);
	assert_int_equal(cell_config_load(f->ctx, &back, path), 0);
	assert_string_equal(cell_config_name(back), "qemu-virt");
	cell_config_free(back);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(cell_config_load(f->ctx, &back, path), -ENOENT);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), path));
	assert_int_equal(cell_config_load(f->ctx, &back, dir), -EISDIR);
	/* Saving into a missing directory fails and leaves nothing behind. */
	snprintf(path, sizeof(path), "%s/missing/x.cell", dir);
	assert_true(cell_config_save(cfg, path) < 0);
	assert_int_equal(rmdir(dir), 0);
	cell_config_free(cfg);
}

static void test_config__clone_is_deep(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx), *copy;

	assert_int_equal(cell_config_clone(cfg, &copy), 0);
	assert_int_equal(cell_config_memory_remove(cfg, 0), 0);
	assert_int_equal(cell_config_memory_count(copy), 2);
	cell_config_free(cfg);
	cell_config_free(copy);
	cell_config_free(NULL);
}

static void test_config__carve(void **state)
{
	struct fixture *f = *state;
	cell_config *cfg = build_system(f->ctx);
	struct cell_memory m, comm = { 0, 0x80000000, 0x1000,
				       CELL_MEM_READ | CELL_MEM_COMM_REGION };

	assert_int_equal(cell_config_memory_insert(cfg, 2, &comm), 0);
	/* Split RAM 0x40000000+0x3fa00000 around 0x50000000+0x1000000. */
	assert_int_equal(cell_config_memory_carve(cfg, 0x50000000, 0x1000000), 1);
	assert_int_equal(cell_config_memory_count(cfg), 4);
	assert_int_equal(cell_config_memory_get(cfg, 1, &m), 0);
	assert_true(m.phys_start == 0x40000000 && m.size == 0x10000000);
	assert_int_equal(cell_config_memory_get(cfg, 2, &m), 0);
	assert_true(m.phys_start == 0x51000000 && m.virt_start == 0x51000000 &&
		    m.size == 0x7fa00000 - 0x51000000);
	/* Trim the front of a region, remove a whole one. */
	assert_int_equal(cell_config_memory_carve(cfg, 0x09000000, 0x1000), 1);
	assert_int_equal(cell_config_memory_count(cfg), 3);
	assert_int_equal(cell_config_memory_carve(cfg, 0x3f000000, 0x1001000), 1);
	assert_int_equal(cell_config_memory_get(cfg, 0, &m), 0);
	assert_true(m.phys_start == 0x40001000 && m.virt_start == 0x40001000);
	/* Nothing left to carve; the comm region has no physical side. */
	assert_int_equal(cell_config_memory_carve(cfg, 0x50000000, 0x1000000), 0);
	assert_int_equal(cell_config_memory_carve(cfg, 0, 0x1000), 0);
	assert_int_equal(cell_config_memory_find(cfg, &comm), 2);
	assert_int_equal(cell_config_memory_carve(cfg, UINT64_MAX, 2), -EINVAL);
	cell_config_free(cfg);
}

static void test_config__file_helpers(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/libcell-file-XXXXXX", path[64];
	uint8_t *back;
	size_t n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/blob", dir);
	assert_int_equal(cell_file_write(f->ctx, path, "abc", 3), 0);
	assert_int_equal(cell_file_write(f->ctx, path, "abcdef", 6), 0);
	assert_int_equal(cell_file_read(f->ctx, path, 16, &back, &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(back, "abcdef", 6);
	cell_free(back);
	assert_int_equal(cell_file_read(f->ctx, path, 5, &back, &n), -EFBIG);
	assert_non_null(strstr(cell_ctx_last_error(f->ctx), path));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(cell_file_write(f->ctx, path, "x", 1), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config__build_and_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__array_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__exact_round_trip_noise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__every_truncation_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__hostile_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__revision_13, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__encode_buffer_and_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__clone_is_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__carve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__file_helpers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
