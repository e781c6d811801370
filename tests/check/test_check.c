/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checker rules: a valid QEMU-virt-like set passes, then every test breaks
 * exactly one thing and expects the rule's code, cell and entry index.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "check_set.h"

struct fixture {
	cell_ctx *ctx;
	struct check_set s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || cell_ctx_new(&f->ctx))
		return -1;
	check_set_build(f->ctx, &f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	check_set_free(&f->s);
	cell_ctx_free(f->ctx);
	free(f);
	return 0;
}

static void dump(const cell_findings *fl)
{
	struct cell_finding fd;

	for (size_t i = 0; i < cell_findings_count(fl); i++) {
		assert_int_equal(cell_findings_get(fl, i, &fd), 0);
		print_message("  %s %s [%d/%d] %s\n",
			      cell_check_severity_name(fd.severity),
			      cell_check_code_name(fd.code), fd.cell, fd.region,
			      fd.message);
	}
}

static cell_findings *run(struct fixture *f)
{
	cell_findings *fl = NULL;

	assert_int_equal(cell_check_set(f->s.sys,
			 (const cell_config *const *)f->s.cells, NCELLS, &fl), 0);
	assert_non_null(fl);
	return fl;
}

/* Index of the finding with these fields, or -1. */
static long find(const cell_findings *fl, uint32_t severity, uint32_t code,
		 int32_t cell, int32_t region)
{
	struct cell_finding fd;

	for (size_t i = 0; i < cell_findings_count(fl); i++) {
		assert_int_equal(cell_findings_get(fl, i, &fd), 0);
		if (fd.severity == severity && fd.code == code && fd.cell == cell &&
		    fd.region == region)
			return (long)i;
	}
	return -1;
}

static size_t count_severity(const cell_findings *fl, uint32_t severity)
{
	struct cell_finding fd;
	size_t n = 0;

	for (size_t i = 0; i < cell_findings_count(fl); i++) {
		assert_int_equal(cell_findings_get(fl, i, &fd), 0);
		n += fd.severity == severity;
	}
	return n;
}

/*
 * Check the set: expect the finding (severity, code, cell, region) and
 * exactly @errors errors in total. Returns the finding's message for
 * content checks (static buffer).
 */
static const char *expect_n(struct fixture *f, uint32_t severity, uint32_t code,
			    int32_t cell, int32_t region, size_t errors)
{
	static struct cell_finding fd;
	cell_findings *fl = run(f);
	long at = find(fl, severity, code, cell, region);

	if (at < 0 || cell_findings_errors(fl) != errors) {
		print_message("expected %s %s cell %d region %d, %zu errors; got:\n",
			      cell_check_severity_name(severity),
			      cell_check_code_name(code), cell, region, errors);
		dump(fl);
	}
	assert_true(at >= 0);
	assert_int_equal(cell_findings_errors(fl), errors);
	assert_int_equal(count_severity(fl, CELL_SEVERITY_ERROR), errors);
	assert_int_equal(cell_findings_get(fl, (size_t)at, &fd), 0);
	cell_findings_free(fl);
	return fd.message;
}

static const char *expect(struct fixture *f, uint32_t code, int32_t cell,
			  int32_t region)
{
	return expect_n(f, CELL_SEVERITY_ERROR, code, cell, region, 1);
}

static void mem_get(cell_config *c, uint32_t i, struct cell_memory *m)
{
	assert_int_equal(cell_config_memory_get(c, i, m), 0);
}

static void mem_set(cell_config *c, uint32_t i, const struct cell_memory *m)
{
	assert_int_equal(cell_config_memory_set(c, i, m), 0);
}

static void mem_add(cell_config *c, uint64_t phys, uint64_t virt, uint64_t size,
		    uint64_t flags)
{
	struct cell_memory m = { phys, virt, size, flags };

	assert_int_equal(cell_config_memory_insert(c,
			 (uint32_t)cell_config_memory_count(c), &m), 0);
}

static void mem_flags(cell_config *c, uint32_t i, uint64_t set, uint64_t clear)
{
	struct cell_memory m;

	mem_get(c, i, &m);
	m.flags = (m.flags | set) & ~clear;
	mem_set(c, i, &m);
}

#define LINUX(f)	((f)->s.cells[CELL_LINUX])
#define GIC(f)		((f)->s.cells[CELL_GIC])

/* ---------------------------------------------------------------------- */

static void test_check__valid_set(void **state)
{
	struct fixture *f = *state;
	cell_findings *fl = run(f);
	struct cell_finding fd;
	long at;

	if (cell_findings_count(fl) != 2)
		dump(fl);
	assert_int_equal(cell_findings_errors(fl), 0);
	assert_int_equal(count_severity(fl, CELL_SEVERITY_WARNING), 0);
	/* The GICR grant is recognised on both sides, and only it. */
	assert_int_equal(cell_findings_count(fl), 2);
	assert_true(find(fl, CELL_SEVERITY_INFO, CELL_CHECK_GICR_GRANT,
			 CELL_CHECK_ROOT, ROOT_GICR) >= 0);
	at = find(fl, CELL_SEVERITY_INFO, CELL_CHECK_GICR_GRANT, CELL_LINUX, LINUX_GICR);
	assert_true(at >= 0);
	assert_int_equal(cell_findings_get(fl, (size_t)at, &fd), 0);
	assert_non_null(strstr(fd.message, "cell \"linux-demo\" region 4: "));
	assert_non_null(strstr(fd.message, "0x80a0000"));
	assert_non_null(strstr(fd.message, "GICR grant"));
	cell_findings_free(fl);

	/* Each configuration alone is clean too. */
	assert_int_equal(cell_check_config(f->s.sys, &fl), 0);
	assert_int_equal(cell_findings_errors(fl), 0);
	assert_true(find(fl, CELL_SEVERITY_INFO, CELL_CHECK_GICR_GRANT,
			 CELL_CHECK_ROOT, ROOT_GICR) >= 0);
	cell_findings_free(fl);
	for (int i = 0; i < NCELLS; i++) {
		assert_int_equal(cell_check_config(f->s.cells[i], &fl), 0);
		assert_int_equal(cell_findings_count(fl), 0);
		cell_findings_free(fl);
	}
}

static void test_check__api_errors(void **state)
{
	struct fixture *f = *state;
	const cell_config *one[1] = { NULL };
	cell_findings *fl = NULL;
	struct cell_finding fd;

	assert_int_equal(cell_check_config(NULL, &fl), -EINVAL);
	assert_int_equal(cell_check_config(f->s.sys, NULL), -EINVAL);
	assert_int_equal(cell_check_set(NULL, NULL, 0, &fl), -EINVAL);
	assert_int_equal(cell_check_set(f->s.sys, NULL, 1, &fl), -EINVAL);
	assert_int_equal(cell_check_set(f->s.sys, one, 1, &fl), -EINVAL);
	assert_null(fl);
	assert_int_equal(cell_check_set(f->s.sys, NULL, 0, &fl), 0);
	assert_int_equal(cell_findings_get(fl, cell_findings_count(fl), &fd), -ERANGE);
	assert_int_equal(cell_findings_get(NULL, 0, &fd), -EINVAL);
	assert_int_equal(cell_findings_get(fl, 0, NULL), -EINVAL);
	cell_findings_free(fl);
	cell_findings_free(NULL);
	assert_int_equal(cell_findings_count(NULL), 0);
	assert_int_equal(cell_findings_errors(NULL), 0);
	assert_string_equal(cell_check_code_name(CELL_CHECK_MEM_OVERLAP_PHYS),
			    "MEM_OVERLAP_PHYS");
	assert_string_equal(cell_check_code_name(CELL_CHECK_GICR_GRANT), "GICR_GRANT");
	assert_string_equal(cell_check_code_name(0), "UNKNOWN");
	assert_string_equal(cell_check_code_name(999), "UNKNOWN");
	assert_string_equal(cell_check_severity_name(CELL_SEVERITY_WARNING), "warning");
	assert_string_equal(cell_check_severity_name(7), "unknown");
}

/* ---- memory layout inside one cell ---- */

static void test_check__overlap_phys(void **state)
{
	struct fixture *f = *state;
	const char *msg;

	mem_add(LINUX(f), 0x70100000, 0x90000000, 0x1000, RW);
	msg = expect(f, CELL_CHECK_MEM_OVERLAP_PHYS, CELL_LINUX, LINUX_NREGIONS);
	assert_non_null(strstr(msg, "cell \"linux-demo\" region 6: phys [0x70100000-0x70100fff] overlaps"));
	assert_non_null(strstr(msg, "region 2 [0x70000000-0x77ffffff]"));
}

static void test_check__overlap_phys_root(void **state)
{
	struct fixture *f = *state;

	/* Straddles MMIO and RAM: one finding per partner, both on the
	 * region listed last. */
	mem_add(f->s.sys, 0x3ffff000, 0x90000000, 0x2000, RW);
	expect_n(f, CELL_SEVERITY_ERROR, CELL_CHECK_MEM_OVERLAP_PHYS,
		 CELL_CHECK_ROOT, ROOT_NREGIONS, 2);
}

static void test_check__overlap_virt(void **state)
{
	struct fixture *f = *state;

	mem_add(LINUX(f), 0x7e000000, 0x70001000, 0x1000, RW);
	expect(f, CELL_CHECK_MEM_OVERLAP_VIRT, CELL_LINUX, LINUX_NREGIONS);
}

static void test_check__overlap_virt_comm(void **state)
{
	struct fixture *f = *state;

	/* The comm page has a guest side only: a region on it overlaps. */
	mem_add(GIC(f), 0x7e000000, 0x80000000, 0x1000, RW);
	expect(f, CELL_CHECK_MEM_OVERLAP_VIRT, CELL_GIC, GIC_NREGIONS);
}

static void test_check__unaligned_ram(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;

	mem_get(LINUX(f), LINUX_RAM, &m);
	m.size += 0x800;
	mem_set(LINUX(f), LINUX_RAM, &m);
	expect(f, CELL_CHECK_MEM_UNALIGNED, CELL_LINUX, LINUX_RAM);
}

static void test_check__unaligned_virt(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;

	mem_get(GIC(f), GIC_RAM, &m);
	m.virt_start = 0x200;
	mem_set(GIC(f), GIC_RAM, &m);
	expect(f, CELL_CHECK_MEM_UNALIGNED, CELL_GIC, GIC_RAM);
}

static void test_check__subpage_io_is_info(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;

	mem_get(LINUX(f), LINUX_UART, &m);
	m.size = 0x100;
	mem_set(LINUX(f), LINUX_UART, &m);
	expect_n(f, CELL_SEVERITY_INFO, CELL_CHECK_MEM_UNALIGNED, CELL_LINUX,
		 LINUX_UART, 0);
}

static void test_check__zero_size(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;

	mem_get(GIC(f), GIC_RAM, &m);
	m.size = 0;
	mem_set(GIC(f), GIC_RAM, &m);
	assert_non_null(strstr(expect(f, CELL_CHECK_MEM_ZERO_SIZE, CELL_GIC, GIC_RAM),
			       "only an all-zero region is an unused slot"));
	/* Flags alone are enough to make it a mistake, not a slot. */
	memset(&m, 0, sizeof(m));
	m.flags = CELL_MEM_READ;
	mem_set(GIC(f), GIC_RAM, &m);
	expect(f, CELL_CHECK_MEM_ZERO_SIZE, CELL_GIC, GIC_RAM);
}

/*
 * Upstream's configs carry all-zero regions (inside the shared-memory
 * network block) and all-zero irqchip entries: unused slots, an info each,
 * and no rule trips on them or on the indices that move past them.
 */
static void test_check__unused_slots(void **state)
{
	struct fixture *f = *state;
	const struct cell_memory zm = { 0 };
	const struct cell_irqchip zc = { 0 };
	cell_config *cfgs[] = { f->s.sys, LINUX(f), GIC(f) };
	const int32_t cell[] = { CELL_CHECK_ROOT, CELL_LINUX, CELL_GIC };
	cell_findings *fl;
	struct cell_finding fd;
	size_t i, slots = 0;

	for (i = 0; i < 3; i++) {
		assert_int_equal(cell_config_memory_insert(cfgs[i], 1, &zm), 0);
		assert_int_equal(cell_config_irqchip_insert(cfgs[i],
				 (uint32_t)cell_config_irqchip_count(cfgs[i]), &zc), 0);
	}
	fl = run(f);
	if (cell_findings_errors(fl) || count_severity(fl, CELL_SEVERITY_WARNING))
		dump(fl);
	assert_int_equal(cell_findings_errors(fl), 0);
	assert_int_equal(count_severity(fl, CELL_SEVERITY_WARNING), 0);
	for (i = 0; i < 3; i++) {
		int chips = cell_config_irqchip_count(cfgs[i]);

		assert_true(find(fl, CELL_SEVERITY_INFO, CELL_CHECK_UNUSED_SLOT, cell[i], 1) >= 0);
		assert_true(find(fl, CELL_SEVERITY_INFO, CELL_CHECK_UNUSED_SLOT, cell[i],
				 chips - 1) >= 0);
	}
	for (i = 0; i < cell_findings_count(fl); i++) {
		assert_int_equal(cell_findings_get(fl, i, &fd), 0);
		if (fd.code != CELL_CHECK_UNUSED_SLOT)
			continue;
		slots++;
		assert_non_null(strstr(fd.message, "all zero: an unused slot, ignored"));
	}
	assert_int_equal(slots, 6);
	cell_findings_free(fl);
}

/* An irqchip entry is unused only when all of it is zero. */
static void test_check__irqchip_pins_without_address(void **state)
{
	struct fixture *f = *state;
	struct cell_irqchip c = { .pin_base = 32, .pin_bitmap = { 0, 0, 0, 1u << 31 } };

	assert_int_equal(cell_config_irqchip_insert(GIC(f), 0, &c), 0);
	expect(f, CELL_CHECK_IRQCHIP_NOT_GICD, CELL_GIC, 0);
}

static void test_check__wrap(void **state)
{
	struct fixture *f = *state;

	mem_add(GIC(f), 0xfffffffffffff000ull, 0x90000000, 0x2000,
		RWIO | CELL_MEM_ROOTSHARED);
	expect(f, CELL_CHECK_MEM_WRAP, CELL_GIC, GIC_NREGIONS);
}

static void test_check__top_of_address_space_is_fine(void **state)
{
	struct fixture *f = *state;
	cell_findings *fl;

	/* Ending exactly at 2^64 - 1 is not a wrap. */
	mem_add(GIC(f), 0xfffffffffffff000ull, 0x90000000, 0x1000,
		RWIO | CELL_MEM_ROOTSHARED);
	fl = run(f);
	assert_int_equal(cell_findings_errors(fl), 0);
	cell_findings_free(fl);
}

/* ---- hypervisor memory ---- */

static void test_check__hypervisor_in_root(void **state)
{
	struct fixture *f = *state;
	const char *msg;

	mem_add(f->s.sys, 0x7fd00000, 0x7fd00000, 0x1000, RW);
	msg = expect(f, CELL_CHECK_MEM_HYPERVISOR, CELL_CHECK_ROOT, ROOT_NREGIONS);
	assert_non_null(strstr(msg, "[0x7fc00000-0x7fffffff]"));
}

static void test_check__hypervisor_in_cell(void **state)
{
	struct fixture *f = *state;

	mem_add(LINUX(f), 0x7fc00000, 0x90000000, 0x1000, RW | CELL_MEM_ROOTSHARED);
	expect(f, CELL_CHECK_MEM_HYPERVISOR, CELL_LINUX, LINUX_NREGIONS);
}

/* ---- carving from the root, sharing between cells ---- */

static void test_check__not_in_root(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;

	mem_get(GIC(f), GIC_RAM, &m);
	m.phys_start = 0x80000000;
	mem_set(GIC(f), GIC_RAM, &m);
	expect(f, CELL_CHECK_MEM_NOT_IN_ROOT, CELL_GIC, GIC_RAM);
}

static void test_check__partly_in_root(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;

	/* Straddles the end of the root RAM (0x7f9fffff). */
	mem_get(GIC(f), GIC_RAM, &m);
	m.phys_start = 0x7f9ff000;
	m.size = 0x2000;
	mem_set(GIC(f), GIC_RAM, &m);
	expect(f, CELL_CHECK_MEM_NOT_IN_ROOT, CELL_GIC, GIC_RAM);
}

static void test_check__carved_across_adjacent_root_regions(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;
	cell_findings *fl;

	/* Split the root RAM in two at the middle of linux-demo's RAM. */
	mem_get(f->s.sys, ROOT_RAM, &m);
	m.size = 0x74000000 - 0x40000000;
	mem_set(f->s.sys, ROOT_RAM, &m);
	mem_add(f->s.sys, 0x74000000, 0x74000000, 0x7fa00000 - 0x74000000, RWX);
	fl = run(f);
	if (cell_findings_errors(fl))
		dump(fl);
	assert_int_equal(cell_findings_errors(fl), 0);
	cell_findings_free(fl);
}

static void test_check__shared_memory(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;
	const char *msg;

	mem_get(GIC(f), GIC_RAM, &m);
	m.phys_start = 0x77f80000;
	mem_set(GIC(f), GIC_RAM, &m);
	msg = expect(f, CELL_CHECK_MEM_SHARED, CELL_GIC, GIC_RAM);
	assert_non_null(strstr(msg, "region 2 [0x70000000-0x77ffffff] of cell \"linux-demo\""));
}

static void test_check__shared_io_memory(void **state)
{
	struct fixture *f = *state;

	/* The UART given to both cells without ROOTSHARED. */
	mem_flags(LINUX(f), LINUX_UART, 0, CELL_MEM_ROOTSHARED);
	mem_flags(GIC(f), GIC_UART, 0, CELL_MEM_ROOTSHARED);
	expect(f, CELL_CHECK_MEM_SHARED, CELL_GIC, GIC_UART);
}

/* ---- CPUs ---- */

static void test_check__cpu_not_in_root(void **state)
{
	struct fixture *f = *state;
	const char *msg;

	assert_int_equal(cell_config_add_cpu(GIC(f), 5), 0);
	msg = expect(f, CELL_CHECK_CPU_NOT_IN_ROOT, CELL_GIC, CELL_CHECK_NO_INDEX);
	assert_non_null(strstr(msg, "CPU 5"));
}

static void test_check__cpu_shared(void **state)
{
	struct fixture *f = *state;
	const char *msg;

	assert_int_equal(cell_config_add_cpu(GIC(f), 3), 0);
	msg = expect(f, CELL_CHECK_CPU_SHARED, CELL_GIC, CELL_CHECK_NO_INDEX);
	assert_non_null(strstr(msg, "CPU 3 is also a CPU of cell \"linux-demo\""));
}

static void test_check__root_without_cpu(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cell_config_add_cpu(GIC(f), 0), 0);
	expect(f, CELL_CHECK_ROOT_NO_CPU, CELL_CHECK_ROOT, CELL_CHECK_NO_INDEX);
}

static void test_check__cell_without_cpu_warns(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cell_config_remove_cpu(GIC(f), 1), 0);
	expect_n(f, CELL_SEVERITY_WARNING, CELL_CHECK_CELL_NO_CPU, CELL_GIC,
		 CELL_CHECK_NO_INDEX, 0);
}

/* ---- interrupts ---- */

static void irq_update(cell_config *c, uint32_t i, uint64_t address,
		       uint32_t pin_base, uint32_t word, uint32_t bits)
{
	struct cell_irqchip ch;

	assert_int_equal(cell_config_irqchip_get(c, i, &ch), 0);
	if (address)
		ch.address = address;
	ch.pin_base = pin_base;
	ch.pin_bitmap[word] |= bits;
	assert_int_equal(cell_config_irqchip_set(c, i, &ch), 0);
}

static void test_check__irq_shared(void **state)
{
	struct fixture *f = *state;
	const char *msg;

	irq_update(GIC(f), 0, 0, 32, 0, 1u << 1);	/* INTID 33 */
	msg = expect(f, CELL_CHECK_IRQ_SHARED, CELL_GIC, 0);
	assert_non_null(strstr(msg, "INTID 33 also granted to cell \"linux-demo\""));
}

static void test_check__irq_shared_other_base(void **state)
{
	struct fixture *f = *state;
	struct cell_irqchip ch = { 0x08000000, 0, 128, { 0 } };

	/* INTID 141 = pin_base 128 + bit 13, in a second irqchip entry. */
	ch.pin_bitmap[0] = 1u << 13;
	assert_int_equal(cell_config_irqchip_insert(GIC(f), 1, &ch), 0);
	expect(f, CELL_CHECK_IRQ_SHARED, CELL_GIC, 1);
}

static void test_check__irqchip_base(void **state)
{
	struct fixture *f = *state;

	irq_update(GIC(f), 0, 0, 48, 0, 0);
	expect(f, CELL_CHECK_IRQCHIP_BASE, CELL_GIC, 0);
}

static void test_check__irqchip_not_gicd(void **state)
{
	struct fixture *f = *state;

	irq_update(GIC(f), 0, 0x08010000, 32, 0, 0);
	expect(f, CELL_CHECK_IRQCHIP_NOT_GICD, CELL_GIC, 0);
}

/* ---- against the root's device tree ---- */

static cell_findings *run_dt(struct fixture *f, const void *fdt, size_t size)
{
	cell_findings *fl = NULL;

	assert_int_equal(cell_check_set_dt(f->s.sys, (const cell_config *const *)f->s.cells,
					   NCELLS, fdt, size, &fl), 0);
	assert_non_null(fl);
	return fl;
}

/* An ITS Linux drives must be mapped in the root: a warning otherwise. */
static void test_check__its_not_mapped(void **state)
{
	struct fixture *f = *state;
	size_t size;
	void *fdt = check_set_dtb(NULL, &size);
	cell_findings *fl = run_dt(f, fdt, size);
	struct cell_finding fd;
	long at = find(fl, CELL_SEVERITY_WARNING, CELL_CHECK_ITS_NOT_MAPPED,
		       CELL_CHECK_ROOT, CELL_CHECK_NO_INDEX);

	if (at < 0)
		dump(fl);
	assert_true(at >= 0);
	assert_int_equal(cell_findings_errors(fl), 0);
	assert_int_equal(count_severity(fl, CELL_SEVERITY_WARNING), 1);
	assert_int_equal(cell_findings_get(fl, (size_t)at, &fd), 0);
	assert_non_null(strstr(fd.message, "/intc@8000000/its@8080000 [0x8080000-0x809ffff]"));
	cell_findings_free(fl);
	/* without the tree, the same set has nothing to say about it */
	fl = run(f);
	assert_true(find(fl, CELL_SEVERITY_WARNING, CELL_CHECK_ITS_NOT_MAPPED,
			 CELL_CHECK_ROOT, CELL_CHECK_NO_INDEX) < 0);
	cell_findings_free(fl);
	free(fdt);
}

static void test_check__its_mapped_or_disabled(void **state)
{
	struct fixture *f = *state;
	size_t size;
	void *fdt = check_set_dtb("disabled", &size);
	cell_findings *fl = run_dt(f, fdt, size);

	assert_int_equal(count_severity(fl, CELL_SEVERITY_WARNING), 0);
	cell_findings_free(fl);
	free(fdt);

	/* a region that covers part of the frame is not enough */
	fdt = check_set_dtb("okay", &size);
	mem_add(f->s.sys, CHECK_ITS_BASE, CHECK_ITS_BASE, CHECK_ITS_SIZE / 2, RWIO);
	fl = run_dt(f, fdt, size);
	assert_int_equal(count_severity(fl, CELL_SEVERITY_WARNING), 1);
	cell_findings_free(fl);
	assert_int_equal(cell_config_memory_remove(f->s.sys,
			 (uint32_t)cell_config_memory_count(f->s.sys) - 1), 0);

	mem_add(f->s.sys, CHECK_ITS_BASE, CHECK_ITS_BASE, CHECK_ITS_SIZE, RWIO);
	fl = run_dt(f, fdt, size);
	if (count_severity(fl, CELL_SEVERITY_WARNING) || cell_findings_errors(fl))
		dump(fl);
	assert_int_equal(count_severity(fl, CELL_SEVERITY_WARNING), 0);
	assert_int_equal(cell_findings_errors(fl), 0);
	cell_findings_free(fl);
	free(fdt);
}

/* A broken tree fails the call with discovery's message, not a finding. */
static void test_check__dt_errors(void **state)
{
	struct fixture *f = *state;
	cell_findings *fl = NULL;
	size_t size;
	uint8_t *fdt = check_set_dtb(NULL, &size);
	cell_ctx *ctx = cell_config_ctx(f->s.sys);

	assert_int_equal(cell_check_set_dt(f->s.sys, (const cell_config *const *)f->s.cells,
					   NCELLS, NULL, 0, &fl), -EINVAL);
	assert_null(fl);
	assert_non_null(strstr(cell_ctx_last_error(ctx), "no device tree"));
	assert_int_equal(cell_check_set_dt(NULL, NULL, 0, fdt, size, &fl), -EINVAL);
	assert_true(cell_check_set_dt(f->s.sys, (const cell_config *const *)f->s.cells,
				      NCELLS, fdt, 16, &fl) < 0);
	assert_null(fl);
	assert_true(strlen(cell_ctx_last_error(ctx)) > 0);
	free(fdt);
}

/* ---- DMA without IOMMU ---- */

static void test_check__dma_not_identity(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;
	struct cell_iommu u = { 0 };
	cell_findings *fl;

	mem_get(LINUX(f), LINUX_RAM, &m);
	m.virt_start = 0x10000000;
	mem_set(LINUX(f), LINUX_RAM, &m);
	expect(f, CELL_CHECK_DMA_NOT_IDENTITY, CELL_LINUX, LINUX_RAM);

	/* An IOMMU makes the remapping legal. */
	u.type = CELL_IOMMU_SMMUV3;
	u.base = 0x09050000;
	u.size = 0x20000;
	assert_int_equal(cell_config_iommu_set(f->s.sys, 0, &u), 0);
	fl = run(f);
	assert_int_equal(cell_findings_errors(fl), 0);
	cell_findings_free(fl);

	/* So does having no DMA-capable device. */
	u.type = 0;
	u.base = 0;
	u.size = 0;
	assert_int_equal(cell_config_iommu_set(f->s.sys, 0, &u), 0);
	assert_int_equal(cell_config_pci_device_remove(LINUX(f), 0), 0);
	fl = run(f);
	assert_int_equal(cell_findings_errors(fl), 0);
	cell_findings_free(fl);
}

/* ---- PCI functions ---- */

static void test_check__pci_shared(void **state)
{
	struct fixture *f = *state;
	struct cell_pci_device dev = { 0 };
	const char *msg;

	/* The same ivshmem BDF in both cells is normal (virtual device)... */
	dev.type = CELL_PCI_TYPE_IVSHMEM;
	dev.bdf = 0x00;
	assert_int_equal(cell_config_pci_device_insert(LINUX(f), 1, &dev), 0);
	assert_int_equal(cell_config_pci_device_insert(GIC(f), 0, &dev), 0);
	/* ...a physical function is not: linux-demo has 00:01.0 (bdf 0x08). */
	dev.type = CELL_PCI_TYPE_DEVICE;
	dev.bdf = 0x08;
	assert_int_equal(cell_config_pci_device_insert(GIC(f), 1, &dev), 0);
	msg = expect(f, CELL_CHECK_PCI_SHARED, CELL_GIC, 1);
	assert_non_null(strstr(msg, "cell \"gic-demo\" pci device 1: 0000:00:01.0 is "
			       "also assigned to cell \"linux-demo\""));
}

/* ---- GIC mapped as memory ---- */

static void test_check__gicd_in_cell(void **state)
{
	struct fixture *f = *state;

	mem_add(LINUX(f), 0x08000000, 0x08000000, 0x10000, RWIO | CELL_MEM_ROOTSHARED);
	expect(f, CELL_CHECK_GIC_AS_MEMORY, CELL_LINUX, LINUX_NREGIONS);
}

static void test_check__gicd_in_root(void **state)
{
	struct fixture *f = *state;

	mem_add(f->s.sys, 0x08000000, 0x08000000, 0x1000, RWIO);
	expect(f, CELL_CHECK_GIC_AS_MEMORY, CELL_CHECK_ROOT, ROOT_NREGIONS);
}

static void test_check__gicr_without_rootshared(void **state)
{
	struct fixture *f = *state;
	const char *msg;

	mem_flags(LINUX(f), LINUX_GICR, 0, CELL_MEM_ROOTSHARED);
	msg = expect(f, CELL_CHECK_GIC_AS_MEMORY, CELL_LINUX, LINUX_GICR);
	assert_non_null(strstr(msg, "without ROOTSHARED"));
}

static void test_check__gicr_without_root_grant(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cell_config_memory_remove(f->s.sys, ROOT_GICR), 0);
	expect(f, CELL_CHECK_GIC_AS_MEMORY, CELL_LINUX, LINUX_GICR);
}

static void test_check__gicr_root_not_io(void **state)
{
	struct fixture *f = *state;

	/* The root side is wrong, so the cell's share is no grant either. */
	mem_flags(f->s.sys, ROOT_GICR, 0, CELL_MEM_IO);
	expect_n(f, CELL_SEVERITY_ERROR, CELL_CHECK_GIC_AS_MEMORY, CELL_CHECK_ROOT,
		 ROOT_GICR, 2);
	expect_n(f, CELL_SEVERITY_ERROR, CELL_CHECK_GIC_AS_MEMORY, CELL_LINUX,
		 LINUX_GICR, 2);
}

static void test_check__gicr_own_frames(void **state)
{
	struct fixture *f = *state;
	int n;

	/* --precise-gicr: no grant, the cell maps the frames of CPUs 2-3. */
	assert_int_equal(cell_config_memory_remove(f->s.sys, ROOT_GICR), 0);
	assert_int_equal(cell_config_memory_remove(LINUX(f), LINUX_GICR), 0);
	n = cell_config_memory_count(LINUX(f));
	mem_add(LINUX(f), 0x080a0000 + 2 * 0x20000, 0x080a0000 + 2 * 0x20000,
		0x40000, RWIO);
	expect_n(f, CELL_SEVERITY_INFO, CELL_CHECK_GICR_OWN_FRAMES, CELL_LINUX, n, 0);
}

static void test_check__gicr_foreign_frame(void **state)
{
	struct fixture *f = *state;
	int n;

	/* The frame of CPU 0 belongs to the root: an error, not a precise grant. */
	assert_int_equal(cell_config_memory_remove(f->s.sys, ROOT_GICR), 0);
	assert_int_equal(cell_config_memory_remove(LINUX(f), LINUX_GICR), 0);
	n = cell_config_memory_count(LINUX(f));
	mem_add(LINUX(f), 0x080a0000, 0x080a0000, 0x20000, RWIO);
	expect(f, CELL_CHECK_GIC_AS_MEMORY, CELL_LINUX, n);
}

/* ---- COMM_REGION and LOADABLE ---- */

static void test_check__comm_in_root(void **state)
{
	struct fixture *f = *state;

	mem_add(f->s.sys, 0, 0x80000000, 0x1000, RW | CELL_MEM_COMM_REGION);
	expect(f, CELL_CHECK_COMM_REGION, CELL_CHECK_ROOT, ROOT_NREGIONS);
}

static void test_check__comm_twice(void **state)
{
	struct fixture *f = *state;
	const char *msg;

	mem_add(LINUX(f), 0, 0x80001000, 0x1000, RW | CELL_MEM_COMM_REGION);
	msg = expect(f, CELL_CHECK_COMM_REGION, CELL_LINUX, LINUX_NREGIONS);
	assert_non_null(strstr(msg, "first is region 5"));
}

static void test_check__comm_flags(void **state)
{
	static const uint64_t bad[] = { CELL_MEM_LOADABLE, CELL_MEM_DMA,
					CELL_MEM_ROOTSHARED };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mem_flags(GIC(f), GIC_COMM, bad[i], 0);
		expect(f, CELL_CHECK_COMM_REGION, CELL_GIC, GIC_COMM);
		mem_flags(GIC(f), GIC_COMM, 0, bad[i]);
	}
}

static void test_check__comm_size(void **state)
{
	struct fixture *f = *state;
	struct cell_memory m;

	mem_get(GIC(f), GIC_COMM, &m);
	m.size = 0x2000;
	mem_set(GIC(f), GIC_COMM, &m);
	expect(f, CELL_CHECK_COMM_REGION, CELL_GIC, GIC_COMM);
}

static void test_check__loadable_in_root(void **state)
{
	struct fixture *f = *state;

	mem_flags(f->s.sys, ROOT_RAM, CELL_MEM_LOADABLE, 0);
	expect(f, CELL_CHECK_LOADABLE, CELL_CHECK_ROOT, ROOT_RAM);
}

static void test_check__loadable_without_write(void **state)
{
	struct fixture *f = *state;

	mem_flags(GIC(f), GIC_RAM, 0, CELL_MEM_WRITE);
	expect(f, CELL_CHECK_LOADABLE, CELL_GIC, GIC_RAM);
}

static void test_check__loadable_io(void **state)
{
	struct fixture *f = *state;

	mem_flags(LINUX(f), LINUX_UART, CELL_MEM_LOADABLE, 0);
	expect(f, CELL_CHECK_LOADABLE, CELL_LINUX, LINUX_UART);
}

/* ---- names, kinds, architectures ---- */

static void test_check__empty_name(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cell_config_set_name(GIC(f), ""), 0);
	expect(f, CELL_CHECK_NAME, CELL_GIC, CELL_CHECK_NO_INDEX);
}

static void test_check__duplicate_name(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cell_config_set_name(GIC(f), "linux-demo"), 0);
	expect(f, CELL_CHECK_NAME, CELL_GIC, CELL_CHECK_NO_INDEX);
	assert_int_equal(cell_config_set_name(GIC(f), "qemu-arm64"), 0);
	expect(f, CELL_CHECK_NAME, CELL_GIC, CELL_CHECK_NO_INDEX);
}

static void test_check__cell_as_system(void **state)
{
	struct fixture *f = *state;
	const cell_config *cells[1] = { GIC(f) };
	cell_findings *fl;

	assert_int_equal(cell_check_set(LINUX(f), cells, 1, &fl), 0);
	if (find(fl, CELL_SEVERITY_ERROR, CELL_CHECK_KIND, CELL_CHECK_ROOT,
		 CELL_CHECK_NO_INDEX) < 0 || cell_findings_errors(fl) != 1)
		dump(fl);
	assert_true(find(fl, CELL_SEVERITY_ERROR, CELL_CHECK_KIND, CELL_CHECK_ROOT,
			 CELL_CHECK_NO_INDEX) >= 0);
	assert_int_equal(cell_findings_errors(fl), 1);
	cell_findings_free(fl);
}

static void test_check__system_as_cell(void **state)
{
	struct fixture *f = *state;
	const cell_config *cells[1] = { f->s.sys };
	cell_findings *fl;

	assert_int_equal(cell_check_set(f->s.sys, cells, 1, &fl), 0);
	assert_true(find(fl, CELL_SEVERITY_ERROR, CELL_CHECK_KIND, 0,
			 CELL_CHECK_NO_INDEX) >= 0);
	cell_findings_free(fl);
}

static void test_check__mixed_arch(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cell_config_set_arch(GIC(f), CELL_ARCH_ARM), 0);
	expect(f, CELL_CHECK_KIND, CELL_GIC, CELL_CHECK_NO_INDEX);
}

/* ---- scale and sweep correctness ---- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t count_code(const cell_findings *fl, uint32_t code)
{
	struct cell_finding fd;
	size_t n = 0;

	for (size_t i = 0; i < cell_findings_count(fl); i++) {
		assert_int_equal(cell_findings_get(fl, i, &fd), 0);
		n += fd.code == code;
	}
	return n;
}

/*
 * The sweeps report, for each region in address order, one overlap with an
 * earlier region when there is any. Compare that count with a brute-force
 * pass over random layouts, within one cell and across two cells.
 */
static void test_check__sweeps_match_brute_force(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (int round = 0; round < 40; round++) {
		enum { N = 60 };
		struct cell_memory a[2][N];
		cell_config *c[2];
		cell_findings *fl;
		size_t want_phys = 0, want_shared = 0;

		for (int k = 0; k < 2; k++) {
			assert_int_equal(cell_config_new(f->ctx, &c[k], CELL_CONFIG_CELL,
							 CELL_ARCH_ARM64), 0);
			assert_int_equal(cell_config_set_name(c[k], k ? "b" : "a"), 0);
			assert_int_equal(cell_config_add_cpu(c[k], 1 + (uint32_t)k), 0);
			for (uint32_t i = 0; i < N; i++) {
				/* Pages in a 1 MiB window, distinct guest addresses. */
				a[k][i].phys_start = 0x40000000 + (rnd(&seed) % 256) * 0x1000;
				a[k][i].size = (1 + rnd(&seed) % 8) * 0x1000;
				a[k][i].virt_start = 0x100000000ull * (k + 1) + i * 0x100000;
				a[k][i].flags = RW;
				assert_int_equal(cell_config_memory_insert(c[k], i, &a[k][i]), 0);
			}
		}
		/* Brute force, in the sweep's (start, cell, index) order. */
		for (int k = 0; k < 2; k++)
			for (int i = 0; i < N; i++) {
				bool in_cell = false, across = false;

				for (int l = 0; l < 2; l++)
					for (int j = 0; j < N; j++) {
						const struct cell_memory *x = &a[k][i], *y = &a[l][j];
						bool before = y->phys_start < x->phys_start ||
							(y->phys_start == x->phys_start &&
							 (l < k || (l == k && j < i)));

						if (!before || y->phys_start + y->size <= x->phys_start)
							continue;
						if (l == k)
							in_cell = true;
						else
							across = true;
					}
				want_phys += in_cell;
				want_shared += across;
			}
		assert_int_equal(cell_check_set(f->s.sys, (const cell_config *const *)c,
						2, &fl), 0);
		assert_int_equal(count_code(fl, CELL_CHECK_MEM_OVERLAP_PHYS), want_phys);
		assert_int_equal(count_code(fl, CELL_CHECK_MEM_SHARED), want_shared);
		cell_findings_free(fl);
		cell_config_free(c[0]);
		cell_config_free(c[1]);
	}
}

/* Thousands of regions: one clean set in well under a second, then exactly
 * the one overlap planted in it. */
static void test_check__many_regions(void **state)
{
	struct fixture *f = *state;
	enum { N = 20000 };
	struct cell_memory m;
	cell_findings *fl;
	struct timespec t0, t1;
	double ms;

	/* Interleave so the regions are not listed in address order. */
	for (uint32_t i = 0; i < N; i++) {
		uint64_t page = (i * 7919u) % N;

		mem_add(LINUX(f), 0x50000000 + page * 0x1000, 0x100000000ull + page * 0x1000,
			0x1000, RW);
		mem_add(GIC(f), 0x60000000 + page * 0x1000, 0x100000000ull + page * 0x1000,
			0x1000, RW);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fl = run(f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("check of %d regions: %.1f ms\n", 2 * N + LINUX_NREGIONS +
		      GIC_NREGIONS + ROOT_NREGIONS, ms);
	assert_int_equal(cell_findings_errors(fl), 0);
	cell_findings_free(fl);
	assert_true(ms < 2000);

	mem_get(GIC(f), GIC_NREGIONS + 500, &m);
	m.phys_start = 0x50000000 + 1234 * 0x1000;
	mem_set(GIC(f), GIC_NREGIONS + 500, &m);
	expect(f, CELL_CHECK_MEM_SHARED, CELL_GIC, GIC_NREGIONS + 500);
}

#define T(name) cmocka_unit_test_setup_teardown(test_check__##name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(valid_set),
		T(api_errors),
		T(overlap_phys),
		T(overlap_phys_root),
		T(overlap_virt),
		T(overlap_virt_comm),
		T(unaligned_ram),
		T(unaligned_virt),
		T(subpage_io_is_info),
		T(zero_size),
		T(unused_slots),
		T(irqchip_pins_without_address),
		T(wrap),
		T(top_of_address_space_is_fine),
		T(hypervisor_in_root),
		T(hypervisor_in_cell),
		T(not_in_root),
		T(partly_in_root),
		T(carved_across_adjacent_root_regions),
		T(shared_memory),
		T(shared_io_memory),
		T(cpu_not_in_root),
		T(cpu_shared),
		T(root_without_cpu),
		T(cell_without_cpu_warns),
		T(irq_shared),
		T(irq_shared_other_base),
		T(irqchip_base),
		T(irqchip_not_gicd),
		T(its_not_mapped),
		T(its_mapped_or_disabled),
		T(dt_errors),
		T(dma_not_identity),
		T(pci_shared),
		T(gicd_in_cell),
		T(gicd_in_root),
		T(gicr_without_rootshared),
		T(gicr_without_root_grant),
		T(gicr_root_not_io),
		T(gicr_own_frames),
		T(gicr_foreign_frame),
		T(comm_in_root),
		T(comm_twice),
		T(comm_flags),
		T(comm_size),
		T(loadable_in_root),
		T(loadable_without_write),
		T(loadable_io),
		T(empty_name),
		T(duplicate_name),
		T(cell_as_system),
		T(system_as_cell),
		T(mixed_arch),
		T(sweeps_match_brute_force),
		T(many_regions),
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
