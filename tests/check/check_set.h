/* SPDX-License-Identifier: BSD-2-Clause */
/* The reference configuration set of the checker tests. */
#ifndef CHECK_SET_H
#define CHECK_SET_H

#include <libcell/cell.h>

#define RW	(CELL_MEM_READ | CELL_MEM_WRITE)
#define RWX	(RW | CELL_MEM_EXECUTE)
#define RWIO	(RW | CELL_MEM_IO)

/* Region indices of the set built by check_set_build(). */
enum {
	ROOT_MMIO, ROOT_RAM, ROOT_IVSHMEM, ROOT_GICR, ROOT_NREGIONS
};
enum {
	LINUX_UART, LINUX_LOADER, LINUX_RAM, LINUX_IVSHMEM, LINUX_GICR,
	LINUX_COMM, LINUX_NREGIONS
};
enum {
	GIC_RAM, GIC_UART, GIC_COMM, GIC_NREGIONS
};

/* Cells of the set, in the order passed to cell_check_set(). */
#define CELL_LINUX	0
#define CELL_GIC	1
#define NCELLS		2

struct check_set {
	cell_config *sys;
	cell_config *cells[NCELLS];
};

/*
 * A valid QEMU-virt-like set: ARM64 system "qemu-arm64" (CPUs 0-3, MMIO,
 * RAM 0x40000000/0x3fa00000, ivshmem, GICR R|W|IO; hypervisor 0x7fc00000
 * 4 MiB; GICD 0x08000000, GICR 0x080a0000), "linux-demo" (CPUs 2-3, RAM
 * carved from the root, DMA identity mapped, a PCI device, GICR grant) and
 * "gic-demo" (CPU 1).
 */
void check_set_build(cell_ctx *ctx, struct check_set *s);
void check_set_free(struct check_set *s);

/* The ITS of the set's machine (QEMU virt), not mapped by the set's root. */
#define CHECK_ITS_BASE	0x08080000u
#define CHECK_ITS_SIZE	0x20000u

/*
 * The device tree of the set's machine: the GICv3 at the set's GICD/GICR
 * and its ITS, with the ITS's status given (NULL: no status property).
 * Returns a malloc'ed blob of *size bytes.
 */
void *check_set_dtb(const char *its_status, size_t *size);

#endif
