// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/devices/jailhouse: enabled, pool usage, console, and cells/<id>/ with
 * the cell's CPUs and VM-exit statistics (cell sums and per CPU).
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/cpumask.h>
#include "jailhouse.h"

static const char *const stat_names[CELL_ABI_STAT_NUM_ARM64] = {
	[CELL_ABI_STAT_TOTAL] = "vmexits_total",
	[CELL_ABI_STAT_MMIO] = "vmexits_mmio",
	[CELL_ABI_STAT_MANAGEMENT] = "vmexits_management",
	[CELL_ABI_STAT_HYPERCALL] = "vmexits_hypercall",
	[CELL_ABI_STAT_MAINTENANCE] = "vmexits_maintenance",
	[CELL_ABI_STAT_VIRQ] = "vmexits_virt_irq",
	[CELL_ABI_STAT_VSGI] = "vmexits_virt_sgi",
	[CELL_ABI_STAT_PSCI] = "vmexits_psci",
	[CELL_ABI_STAT_SMCCC] = "vmexits_smccc",
};

static struct kobject *cells_kobj;

/* --- /sys/devices/jailhouse ------------------------------------------------ */

static ssize_t enabled_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", jh.enabled);
}

static ssize_t info_show(char *buf, unsigned long type)
{
	long v = 0;

	mutex_lock(&jh_lock);
	if (jh.enabled)
		v = jh_hypercall(CELL_ABI_HC_HYPERVISOR_GET_INFO, type, 0);
	mutex_unlock(&jh_lock);
	return v < 0 ? v : sysfs_emit(buf, "%ld\n", v);
}

#define INFO_ATTR(name, type) \
static ssize_t name##_show(struct device *dev, struct device_attribute *attr, char *buf) \
{ \
	return info_show(buf, type); \
} \
static DEVICE_ATTR_RO(name)

INFO_ATTR(mem_pool_size, CELL_ABI_INFO_MEM_POOL_SIZE);
INFO_ATTR(mem_pool_used, CELL_ABI_INFO_MEM_POOL_USED);
INFO_ATTR(remap_pool_size, CELL_ABI_INFO_REMAP_POOL_SIZE);
INFO_ATTR(remap_pool_used, CELL_ABI_INFO_REMAP_POOL_USED);
static DEVICE_ATTR_RO(enabled);

static ssize_t console_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	ssize_t n;
	u32 tail;

	mutex_lock(&jh_lock);
	n = jh_console_snapshot(buf, &tail);
	mutex_unlock(&jh_lock);
	return n;
}
static DEVICE_ATTR_RO(console);

static struct attribute *jh_attrs[] = {
	&dev_attr_enabled.attr,
	&dev_attr_mem_pool_size.attr,
	&dev_attr_mem_pool_used.attr,
	&dev_attr_remap_pool_size.attr,
	&dev_attr_remap_pool_used.attr,
	&dev_attr_console.attr,
	NULL,
};
static const struct attribute_group jh_group = { .attrs = jh_attrs };

/* --- cells/<id>/ ------------------------------------------------------------ */

struct stat_attr {
	struct kobj_attribute attr;
	unsigned int idx;
};

static long cpu_stat(unsigned int cpu, unsigned int idx)
{
	long v = jh_hypercall(CELL_ABI_HC_CPU_GET_INFO, cpu, CELL_ABI_CPU_INFO_STAT_BASE + idx);

	return v < 0 ? 0 : v;
}

static void failed_cpus(struct jh_cell *cell, cpumask_t *failed)
{
	unsigned int cpu;

	cpumask_clear(failed);
	for_each_cpu(cpu, &cell->cpus)
		if (jh_hypercall(CELL_ABI_HC_CPU_GET_INFO, cpu, CELL_ABI_CPU_INFO_STATE) ==
		    CELL_ABI_CPU_FAILED)
			cpumask_set_cpu(cpu, failed);
}

static struct kobj_type cell_type;

/* statistics or statistics/cpuN kobject -> cell and, for cpuN, the CPU */
static struct jh_cell *stat_owner(struct kobject *kobj, int *cpu)
{
	struct jh_cell *cell;
	unsigned int i;

	*cpu = -1;
	if (kobj->parent && kobj->parent->ktype == &cell_type)
		return container_of(kobj, struct jh_cell, stats_kobj);
	cell = container_of(kobj->parent, struct jh_cell, stats_kobj);
	for (i = 0; i < cell->num_cpu_kobjs; i++)
		if (kobj == &cell->cpu_kobj[i])
			*cpu = cell->cpu_ids[i];
	return cell;
}

static ssize_t stat_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct stat_attr *sa = container_of(attr, struct stat_attr, attr);
	struct jh_cell *cell;
	unsigned long sum = 0;
	unsigned int c;
	int cpu;

	mutex_lock(&jh_lock);
	cell = stat_owner(kobj, &cpu);
	if (!jh.enabled) {
		mutex_unlock(&jh_lock);
		return -ENODEV;
	}
	if (cpu >= 0)
		sum = cpu_stat(cpu, sa->idx);
	else
		for_each_cpu(c, &cell->cpus)
			sum += cpu_stat(c, sa->idx);
	mutex_unlock(&jh_lock);
	return sysfs_emit(buf, "%lu\n", sum);
}


static struct stat_attr stat_attrs[CELL_ABI_STAT_NUM_ARM64];
static struct attribute *stat_attr_list[CELL_ABI_STAT_NUM_ARM64 + 1];
static const struct attribute_group stat_group = { .attrs = stat_attr_list };
static const struct attribute_group *stat_groups[] = { &stat_group, NULL };

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct jh_cell *cell = container_of(kobj, struct jh_cell, kobj);

	return sysfs_emit(buf, "%s\n", cell->name);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct jh_cell *cell = container_of(kobj, struct jh_cell, kobj);
	long s;

	mutex_lock(&jh_lock);
	s = jh.enabled ? jh_hypercall(CELL_ABI_HC_CELL_GET_STATE, cell->id, 0) : -1;
	mutex_unlock(&jh_lock);
	switch (s) {
	case CELL_ABI_CELL_RUNNING:
		return sysfs_emit(buf, "running\n");
	case CELL_ABI_CELL_RUNNING_LOCKED:
		return sysfs_emit(buf, "running/locked\n");
	case CELL_ABI_CELL_SHUT_DOWN:
		return sysfs_emit(buf, "shut down\n");
	case CELL_ABI_CELL_FAILED:
		return sysfs_emit(buf, "failed\n");
	case CELL_ABI_CELL_FAILED_COMM_REV:
		return sysfs_emit(buf, "Comm ABI mismatch\n");
	default:
		return sysfs_emit(buf, "invalid\n");
	}
}

static ssize_t cpus_show(struct kobject *kobj, char *buf, bool failed, bool list)
{
	struct jh_cell *cell = container_of(kobj, struct jh_cell, kobj);
	cpumask_t mask;

	mutex_lock(&jh_lock);
	if (!failed)
		cpumask_copy(&mask, &cell->cpus);
	else if (jh.enabled)
		failed_cpus(cell, &mask);
	else
		cpumask_clear(&mask);
	mutex_unlock(&jh_lock);
	return list ? sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(&mask)) :
		      sysfs_emit(buf, "%*pb\n", cpumask_pr_args(&mask));
}

#define CPUS_ATTR(name, failed, list) \
static ssize_t name##_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf) \
{ \
	return cpus_show(kobj, buf, failed, list); \
} \
static struct kobj_attribute name##_attr = __ATTR_RO(name)

CPUS_ATTR(cpus_assigned, false, false);
CPUS_ATTR(cpus_assigned_list, false, true);
CPUS_ATTR(cpus_failed, true, false);
CPUS_ATTR(cpus_failed_list, true, true);
static struct kobj_attribute name_attr = __ATTR_RO(name);
static struct kobj_attribute state_attr = __ATTR_RO(state);

static struct attribute *cell_attrs[] = {
	&name_attr.attr,
	&state_attr.attr,
	&cpus_assigned_attr.attr,
	&cpus_assigned_list_attr.attr,
	&cpus_failed_attr.attr,
	&cpus_failed_list_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(cell);

static void jh_cell_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct jh_cell, kobj));
}

static void jh_child_release(struct kobject *kobj)
{
	/* embedded in struct jh_cell, which the parent's release frees */
}

static struct kobj_type cell_type = {
	.release = jh_cell_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = cell_groups,
};

static struct kobj_type stats_type = {
	.release = jh_child_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = stat_groups,
};

/*
 * cells/<id>/ for a cell with these CPUs; one statistics/cpuN per CPU. The
 * caller fills nothing else in: the cell is returned ready, or an ERR_PTR.
 */
struct jh_cell *jh_sysfs_cell_create(unsigned int id, const char *name, const cpumask_t *cpus)
{
	struct jh_cell *cell;
	unsigned int cpu, i = 0;
	int err;

	cell = kzalloc(sizeof(*cell), GFP_KERNEL);
	if (!cell)
		return ERR_PTR(-ENOMEM);
	cell->id = id;
	strscpy(cell->name, name, sizeof(cell->name));
	cpumask_copy(&cell->cpus, cpus);
	err = kobject_init_and_add(&cell->kobj, &cell_type, cells_kobj, "%u", id);
	if (err) {
		kobject_put(&cell->kobj);
		return ERR_PTR(err);
	}
	err = kobject_init_and_add(&cell->stats_kobj, &stats_type, &cell->kobj, "statistics");
	if (err) {
		kobject_put(&cell->stats_kobj);
		kobject_put(&cell->kobj);
		return ERR_PTR(err);
	}
	for_each_cpu(cpu, &cell->cpus) {
		if (i >= JH_SYSFS_MAX_CPUS)
			break;
		err = kobject_init_and_add(&cell->cpu_kobj[i], &stats_type,
					   &cell->stats_kobj, "cpu%u", cpu);
		if (err) {
			kobject_put(&cell->cpu_kobj[i]);
			cell->num_cpu_kobjs = i;
			jh_sysfs_cell_remove(cell);
			return ERR_PTR(err);
		}
		cell->cpu_ids[i++] = cpu;
	}
	cell->num_cpu_kobjs = i;
	return cell;
}

void jh_sysfs_cell_remove(struct jh_cell *cell)
{
	unsigned int i;

	if (!cell)
		return;
	for (i = 0; i < cell->num_cpu_kobjs; i++)
		kobject_put(&cell->cpu_kobj[i]);
	kobject_put(&cell->stats_kobj);
	kobject_put(&cell->kobj);
}

int jh_sysfs_init(struct device *dev)
{
	unsigned int i;
	int err;

	for (i = 0; i < CELL_ABI_STAT_NUM_ARM64; i++) {
		sysfs_attr_init(&stat_attrs[i].attr.attr);
		stat_attrs[i].attr.attr.name = stat_names[i];
		stat_attrs[i].attr.attr.mode = 0444;
		stat_attrs[i].attr.show = stat_show;
		stat_attrs[i].idx = i;
		stat_attr_list[i] = &stat_attrs[i].attr.attr;
	}
	err = sysfs_create_group(&dev->kobj, &jh_group);
	if (err)
		return err;
	cells_kobj = kobject_create_and_add("cells", &dev->kobj);
	if (!cells_kobj) {
		sysfs_remove_group(&dev->kobj, &jh_group);
		return -ENOMEM;
	}
	return 0;
}

void jh_sysfs_exit(void)
{
	kobject_put(cells_kobj);
	sysfs_remove_group(&jh_root_dev->kobj, &jh_group);
}
