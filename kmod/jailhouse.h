/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LIBCELL_KMOD_JAILHOUSE_H
#define LIBCELL_KMOD_JAILHOUSE_H

#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <libcell/abi/cell-abi.h>

#define JH_SYSFS_MAX_CPUS	64
#define JH_MAX_CELLS		8	/* the hypervisor's limit, root included */

/* A cell and its directory cells/<id>/. */
struct jh_cell {
	struct kobject kobj;
	struct kobject stats_kobj;
	struct kobject cpu_kobj[JH_SYSFS_MAX_CPUS];
	unsigned int cpu_ids[JH_SYSFS_MAX_CPUS];	/* of cpu_kobj[] */
	unsigned int num_cpu_kobjs;
	unsigned int id;
	char name[CELL_ABI_NAME_LEN];
	cpumask_t cpus;		/* current; jh_lock */
	/* non-root cells: the config as created, for checking loads */
	struct cell_abi_cell_desc *config;
};

/* Driver state; every field is protected by jh_lock. */
struct jh_state {
	bool enabled;
	phys_addr_t hv_phys;
	size_t hv_size;
	/* the console page (WB), mapped while the hypervisor may run */
	struct cell_abi_virt_console *console;
	u64 hv_entry;			/* header field, kept for use while it runs */
	struct cell_abi_system *config;	/* kernel copy of the system config */
	size_t config_size;
	cpumask_t root_cpus;		/* the root config's CPUs */
	struct jh_cell *cells[JH_MAX_CELLS];	/* by id; [0] is the root */
	unsigned int max_cpus;
	char console_copy[CELL_ABI_CONSOLE_CONTENT_SIZE];
	u32 console_copy_tail;
};

extern struct jh_state jh;
extern struct mutex jh_lock;
extern struct device *jh_root_dev;

long jh_hypercall(unsigned long code, unsigned long a1, unsigned long a2);
ssize_t jh_console_snapshot(char *buf, u32 *tail);

int jh_sysfs_init(struct device *dev);
void jh_sysfs_exit(void);
struct jh_cell *jh_sysfs_cell_create(unsigned int id, const char *name, const cpumask_t *cpus);
void jh_sysfs_cell_remove(struct jh_cell *cell);

#endif
