// SPDX-License-Identifier: GPL-2.0
/*
 * libcell partitioning driver: loads the hypervisor image into reserved
 * memory and moves every online CPU under it through the Linux hyp-stub.
 *
 * Only exported kernel interfaces are used. The hyp-stub is recognised by
 * its answer to an unknown stub call; the hypervisor leaves a stub-compatible
 * vector page behind in its reserved memory when it exits (see
 * docs/hypervisor.md), so enable/disable cycles and kexec keep working
 * without knowing the address of the kernel's own stub.
 */
#define pr_fmt(fmt) "jailhouse: " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/firmware.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/cpu.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/delay.h>
#include <linux/sched/signal.h>
#include <asm/sysreg.h>
#include <asm/virt.h>
#include "jailhouse.h"

static_assert(CELL_ABI_IOCTL_ENABLE == _IOW(0, 0, void *));
static_assert(CELL_ABI_IOCTL_DISABLE == _IO(0, 1));
static_assert(CELL_ABI_IOCTL_CELL_CREATE == _IOW(0, 2, struct cell_abi_ioctl_cell_create));
static_assert(CELL_ABI_IOCTL_CELL_LOAD == _IOW(0, 3, struct cell_abi_ioctl_cell_load));
static_assert(CELL_ABI_IOCTL_CELL_START == _IOW(0, 4, struct cell_abi_ioctl_cell_id));
static_assert(CELL_ABI_IOCTL_CELL_DESTROY == _IOW(0, 5, struct cell_abi_ioctl_cell_id));

#define JH_MAX_CONFIG_SIZE	(1024 * 1024)
#define JH_MIN_POOL_PAGES	16
#define JH_MAX_CPUS		64
#define JH_MAX_CELL_CONFIG	(16U << PAGE_SHIFT)	/* the hypervisor's limit */

struct jh_state jh;
DEFINE_MUTEX(jh_lock);
struct device *jh_root_dev;

long jh_hypercall(unsigned long code, unsigned long a1, unsigned long a2)
{
	register unsigned long x0 asm("x0") = code;
	register unsigned long x1 asm("x1") = a1;
	register unsigned long x2 asm("x2") = a2;

	asm volatile("hvc #0x4a48" : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3", "memory");
	return x0;
}

/* A Linux hyp-stub call; the hypervisor entry also clobbers x2..x4. */
static unsigned long stub_hvc(unsigned long call, unsigned long arg)
{
	register unsigned long x0 asm("x0") = call;
	register unsigned long x1 asm("x1") = arg;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1) : : "x2", "x3", "x4", "memory");
	return x0;
}

static void dcache_clean_inval(void *start, size_t size)
{
	unsigned long line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	unsigned long p = (unsigned long)start & ~(line - 1);
	unsigned long end = (unsigned long)start + size;

	for (; p < end; p += line)
		asm volatile("dc civac, %0" : : "r"(p) : "memory");
	dsb(sy);
}

static size_t config_size(const struct cell_abi_system *s)
{
	return sizeof(*s) - sizeof(s->root_cell) + cell_abi_cell_config_size(&s->root_cell);
}

/* EL2 must hold the Linux hyp-stub (or ours): probe it with an unknown call. */
static int probe_el2(void)
{
	unsigned long ret;

	if (!((read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf)) {
		pr_err("enable: CPU has no EL2\n");
		return -ENODEV;
	}
	if ((read_sysreg(CurrentEL) >> 2) != 1) {
		pr_err("enable: kernel runs at EL2 (VHE); boot it with EL2 left to the hyp-stub\n");
		return -ENODEV;
	}
	ret = stub_hvc(HVC_STUB_HCALL_NR, 0);
	if (ret == HVC_STUB_ERR)
		return 0;
	pr_err("enable: EL2 does not answer like the hyp-stub (%#lx): KVM owns EL2 (boot with kvm-arm.mode=none)\n",
	       ret);
	return -EBUSY;
}

static int check_config(const struct cell_abi_system *s, size_t size)
{
	const struct cell_abi_cell_desc *c = &s->root_cell;
	const u8 *cpus = (const u8 *)(c + 1);
	u64 hv_start = s->hypervisor_memory.phys_start;
	u64 hv_size = s->hypervisor_memory.size;
	unsigned int i;

	/* root_cell has no signature of its own; the system header was checked */
	if (!hv_size || (hv_start | hv_size) & ~PAGE_MASK) {
		pr_err("config: hypervisor_memory %#llx+%#llx: must be page aligned and non-empty\n",
		       hv_start, hv_size);
		return -EINVAL;
	}
	if (s->platform_info.arm.gic_version != 3 || !s->platform_info.arm.gicd_base ||
	    !s->platform_info.arm.gicr_base) {
		pr_err("config: platform_info.arm: GICv3 with gicd_base and gicr_base required (gic_version %u)\n",
		       s->platform_info.arm.gic_version);
		return -EINVAL;
	}
	if (s->platform_info.arm.maintenance_irq < 16 || s->platform_info.arm.maintenance_irq > 31) {
		pr_err("config: platform_info.arm.maintenance_irq %u is not a PPI\n",
		       s->platform_info.arm.maintenance_irq);
		return -EINVAL;
	}
	if (!c->cpu_set_size || c->cpu_set_size > JH_MAX_CPUS / 8) {
		pr_err("config: root_cell.cpu_set_size %u out of range 1..%u\n",
		       c->cpu_set_size, JH_MAX_CPUS / 8);
		return -EINVAL;
	}
	cpumask_clear(&jh.root_cpus);
	jh.max_cpus = 0;
	for (i = 0; i < c->cpu_set_size * 8; i++) {
		if (!(cpus[i / 8] & (1 << (i % 8))))
			continue;
		if (i < nr_cpu_ids)
			cpumask_set_cpu(i, &jh.root_cpus);
		jh.max_cpus = i + 1;
	}
	if (cpumask_empty(&jh.root_cpus)) {
		pr_err("config: root_cell.cpu_set names no CPU of this system\n");
		return -EINVAL;
	}
	(void)size;
	return 0;
}

/* After the memory claim: a root region on hypervisor memory is a config bug. */
static int check_root_regions(const struct cell_abi_system *s)
{
	const struct cell_abi_cell_desc *c = &s->root_cell;
	const struct cell_abi_memory *mem;
	u64 hv_start = s->hypervisor_memory.phys_start;
	u64 hv_size = s->hypervisor_memory.size;
	unsigned int i;

	mem = (const void *)((const u8 *)(c + 1) + c->cpu_set_size);
	for (i = 0; i < c->num_memory_regions; i++) {
		if (cell_abi_mem_unused(&mem[i]) || mem[i].flags & CELL_ABI_MEM_COMM_REGION)
			continue;
		if (!mem[i].size) {
			pr_err("config: root_cell memory region %u (%#llx, flags %#llx): size 0; only an all-zero region is an unused slot\n",
			       i, mem[i].phys_start, mem[i].flags);
			return -EINVAL;
		}
		if (mem[i].phys_start != mem[i].virt_start) {
			pr_err("config: root_cell memory region %u: phys %#llx != virt %#llx\n",
			       i, mem[i].phys_start, mem[i].virt_start);
			return -EINVAL;
		}
		if ((mem[i].phys_start | mem[i].size) & ~PAGE_MASK) {
			pr_err("config: root_cell memory region %u (%#llx+%#llx): not page aligned\n",
			       i, mem[i].phys_start, mem[i].size);
			return -EINVAL;
		}
		if (mem[i].phys_start < hv_start + hv_size && hv_start < mem[i].phys_start + mem[i].size) {
			pr_err("config: root_cell memory region %u (%#llx+%#llx) overlaps the hypervisor memory\n",
			       i, mem[i].phys_start, mem[i].size);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Linux drives every ITS its device tree enables. One the root config does
 * not map faults at Linux's next ITS command (a CPU coming online, a new
 * MSI) and takes that CPU down with it. Upstream's QEMU configs assume a
 * board without one (its=off): say so instead of failing later.
 */
static void warn_unmapped_its(const struct cell_abi_system *s)
{
	const struct cell_abi_cell_desc *c = &s->root_cell;
	const struct cell_abi_memory *mem;
	struct device_node *np;
	struct resource res;
	unsigned int i;

	mem = (const void *)((const u8 *)(c + 1) + c->cpu_set_size);
	for_each_compatible_node(np, NULL, "arm,gic-v3-its") {
		if (!of_device_is_available(np) || of_address_to_resource(np, 0, &res))
			continue;
		for (i = 0; i < c->num_memory_regions; i++)
			if (!(mem[i].flags & CELL_ABI_MEM_COMM_REGION) &&
			    mem[i].phys_start <= res.start &&
			    res.end - mem[i].phys_start < mem[i].size)
				break;
		if (i == c->num_memory_regions)
			pr_warn("enable: Linux uses the GICv3 ITS %pOF at %pR, which no root_cell memory region maps: its next ITS command (a CPU coming online, a new MSI) will fault; map the ITS in the root config, or boot without it\n",
				np, &res);
	}
}

static int check_image(const struct firmware *fw, size_t cfg_size)
{
	const struct cell_abi_hv_header *h = (const void *)fw->data;
	u64 need;

	if (fw->size < sizeof(*h) ||
	    memcmp(h->signature, CELL_ABI_HV_SIGNATURE, CELL_ABI_HV_SIGNATURE_LEN)) {
		pr_err("enable: %s: missing JAILHOUS signature\n", CELL_ABI_FIRMWARE_NAME);
		return -EINVAL;
	}
	if (h->core_size < fw->size || h->core_size & ~PAGE_MASK || !h->percpu_size ||
	    h->percpu_size & ~PAGE_MASK || h->entry >= fw->size || h->entry & 0x7ff ||
	    h->console_page & ~PAGE_MASK || h->console_page >= h->core_size) {
		pr_err("enable: %s: inconsistent image header\n", CELL_ABI_FIRMWARE_NAME);
		return -EINVAL;
	}
	need = h->core_size + (u64)jh.max_cpus * h->percpu_size + PAGE_ALIGN(cfg_size) +
	       (JH_MIN_POOL_PAGES + 1) * PAGE_SIZE;
	if (need > jh.hv_size) {
		pr_err("enable: hypervisor memory %#zx too small, need %#llx\n", jh.hv_size, need);
		return -EINVAL;
	}
	return 0;
}

static int enter_cpu(void *unused)
{
	unsigned long flags, ret;

	local_irq_save(flags);
	ret = stub_hvc(HVC_SET_VECTORS, jh.hv_phys + jh.hv_entry);
	if (!ret)
		ret = stub_hvc(smp_processor_id(), 0);
	local_irq_restore(flags);
	return (int)(long)ret;
}

static int leave_cpu(void *unused)
{
	unsigned long flags;
	long ret;

	local_irq_save(flags);
	ret = jh_hypercall(CELL_ABI_HC_DISABLE, 0, 0);
	local_irq_restore(flags);
	return ret;
}

ssize_t jh_console_snapshot(char *buf, u32 *tailp)
{
	const struct cell_abi_virt_console *con;
	static char raw[CELL_ABI_CONSOLE_CONTENT_SIZE];
	u32 tail, n, i;
	int tries;

	if (!jh.console) {
		tail = jh.console_copy_tail;
		memcpy(raw, jh.console_copy, sizeof(raw));
	} else {
		/* the only page of its memory the root cell may read */
		con = jh.console;
		for (tries = 0; tries < 100; tries++) {
			tail = READ_ONCE(con->tail);
			smp_rmb();
			memcpy(raw, con->content, sizeof(raw));
			smp_rmb();
			if (!READ_ONCE(con->busy) && READ_ONCE(con->tail) == tail)
				break;
			cpu_relax();
		}
	}
	n = min_t(u32, tail, CELL_ABI_CONSOLE_CONTENT_SIZE);
	for (i = 0; i < n; i++)
		buf[i] = raw[(tail - n + i) % CELL_ABI_CONSOLE_CONTENT_SIZE];
	*tailp = tail;
	return n;
}

/* Keep the console readable after the hypervisor is gone. */
static void release_hv_memory(void)
{
	memcpy(jh.console_copy, jh.console->content, sizeof(jh.console_copy));
	jh.console_copy_tail = READ_ONCE(jh.console->tail);
	memunmap(jh.console);
	jh.console = NULL;
	release_mem_region(jh.hv_phys, jh.hv_size);
}

/*
 * Copy image and config into the hypervisor memory, then drop the mapping:
 * while CPUs enter with the EL2 MMU off, no cacheable alias of that memory
 * may exist in Linux, or a speculative fill could shadow what they write.
 * Afterwards only the console page stays mapped (read-only in stage 2).
 */
static int load_hypervisor(const struct firmware *fw, const struct cell_abi_system *cfg,
			   size_t size)
{
	struct cell_abi_hv_header *header;
	void *mem;
	u64 console_off;

	mem = memremap(jh.hv_phys, jh.hv_size, MEMREMAP_WB);
	if (!mem)
		return -ENOMEM;
	/* everything but the last page: it may hold live stub vectors */
	memcpy(mem, fw->data, fw->size);
	memset(mem + fw->size, 0, jh.hv_size - PAGE_SIZE - fw->size);
	header = mem;
	header->max_cpus = jh.max_cpus;
	header->online_cpus = num_online_cpus();
	header->arm_linux_hyp_abi = CELL_ABI_HYP_STUB_ABI_OPCODE;
	jh.hv_entry = header->entry;
	console_off = header->console_page;
	memcpy(mem + header->core_size + (size_t)jh.max_cpus * header->percpu_size, cfg, size);
	dcache_clean_inval(mem, jh.hv_size - PAGE_SIZE);
	memunmap(mem);

	jh.console = memremap(jh.hv_phys + console_off, PAGE_SIZE, MEMREMAP_WB);
	return jh.console ? 0 : -ENOMEM;
}

/* After a failed enable: show what the hypervisor said. */
static void print_console(void)
{
	char *buf = kmalloc(CELL_ABI_CONSOLE_CONTENT_SIZE, GFP_KERNEL);
	ssize_t n;
	u32 tail;

	if (!buf)
		return;
	n = jh_console_snapshot(buf, &tail);
	if (n)
		pr_err("hypervisor console:\n%.*s\n", (int)n, buf);
	kfree(buf);
}

static int leave_cpus(const struct cpumask *cpus)
{
	unsigned int cpu;
	int err, ret = 0;

	for_each_cpu(cpu, cpus) {
		err = smp_call_on_cpu(cpu, leave_cpu, NULL, false);
		if (err) {
			pr_err("disable: CPU %u: %d\n", cpu, err);
			ret = ret ?: err;
		}
	}
	return ret;
}

static int jh_enable(struct cell_abi_system __user *uarg)
{
	struct cell_abi_system hdr, *cfg = NULL;
	const struct firmware *fw = NULL;
	cpumask_t entered;
	unsigned int cpu;
	size_t size;
	int err;

	if (copy_from_user(&hdr, uarg, sizeof(hdr)))
		return -EFAULT;
	if (memcmp(hdr.signature, CELL_ABI_SYSTEM_SIGNATURE, CELL_ABI_SIGNATURE_LEN) ||
	    hdr.revision != CELL_ABI_CONFIG_REVISION || hdr.architecture != CELL_ABI_ARCH_ARM64) {
		pr_err("config: not a revision-%u arm64 system configuration\n",
		       CELL_ABI_CONFIG_REVISION);
		return -EINVAL;
	}
	size = config_size(&hdr);
	if (size > JH_MAX_CONFIG_SIZE) {
		pr_err("config: %zu bytes, more than %u\n", size, JH_MAX_CONFIG_SIZE);
		return -EINVAL;
	}
	cfg = kvmalloc(size, GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	if (copy_from_user(cfg, uarg, size)) {
		err = -EFAULT;
		goto out_free;
	}

	mutex_lock(&jh_lock);
	err = -EBUSY;
	if (jh.enabled) {
		pr_err("enable: already enabled\n");
		goto out_unlock;
	}
	err = check_config(cfg, size);
	if (err)
		goto out_unlock;
	err = probe_el2();
	if (err)
		goto out_unlock;
	jh.hv_phys = cfg->hypervisor_memory.phys_start;
	jh.hv_size = cfg->hypervisor_memory.size;

	err = request_firmware(&fw, CELL_ABI_FIRMWARE_NAME, jh_root_dev);
	if (err) {
		pr_err("enable: firmware %s not found (%d)\n", CELL_ABI_FIRMWARE_NAME, err);
		err = -ENOENT;
		goto out_unlock;
	}
	err = check_image(fw, size);
	if (err)
		goto out_fw;
	if (!request_mem_region(jh.hv_phys, jh.hv_size, "libcell hypervisor")) {
		pr_err("enable: hypervisor memory %pa+%#zx is busy; keep it from Linux (mem= or a reserved-memory no-map node)\n",
		       &jh.hv_phys, jh.hv_size);
		err = -EBUSY;
		goto out_fw;
	}
	err = check_root_regions(cfg);
	if (err)
		goto out_region;
	warn_unmapped_its(cfg);
	err = load_hypervisor(fw, cfg, size);
	if (err) {
		pr_err("enable: cannot map hypervisor memory\n");
		goto out_region;
	}

	cpu_hotplug_disable();
	for_each_cpu(cpu, &jh.root_cpus) {
		if (cpu_present(cpu) && !cpu_online(cpu)) {
			pr_err("enable: CPU %u of the root cell is offline; bring it online first\n", cpu);
			err = -EBUSY;
			goto out_hotplug;
		}
	}
	for_each_online_cpu(cpu) {
		if (!cpumask_test_cpu(cpu, &jh.root_cpus)) {
			pr_err("config: online CPU %u is not in root_cell.cpu_set\n", cpu);
			err = -EINVAL;
			goto out_hotplug;
		}
	}
	cpumask_clear(&entered);
	for_each_online_cpu(cpu) {
		err = smp_call_on_cpu(cpu, enter_cpu, NULL, false);
		if (err) {
			pr_err("enable: CPU %u failed to enter the hypervisor (%d)\n", cpu, err);
			leave_cpus(&entered);
			goto out_hotplug;
		}
		cpumask_set_cpu(cpu, &entered);
	}
	cpu_hotplug_enable();

	kvfree(jh.config);
	jh.config = cfg;
	jh.config_size = size;
	jh.enabled = true;
	/* the module must not go away under a running hypervisor */
	__module_get(THIS_MODULE);
	jh.cells[0] = jh_sysfs_cell_create(0, cfg->root_cell.name, &jh.root_cpus);
	if (IS_ERR(jh.cells[0])) {
		pr_warn("sysfs: cells/0 not created (%ld)\n", PTR_ERR(jh.cells[0]));
		jh.cells[0] = NULL;
	}
	release_firmware(fw);
	mutex_unlock(&jh_lock);
	pr_info("hypervisor enabled on %u CPUs, root cell \"%.*s\"\n",
		cpumask_weight(&entered), CELL_ABI_NAME_LEN, cfg->root_cell.name);
	return 0;

out_hotplug:
	cpu_hotplug_enable();
	release_hv_memory();
	print_console();
	goto out_fw;
out_region:
	release_mem_region(jh.hv_phys, jh.hv_size);
out_fw:
	release_firmware(fw);
out_unlock:
	mutex_unlock(&jh_lock);
out_free:
	kvfree(cfg);
	return err;
}

static int jh_disable_locked(void)
{
	unsigned int cpu, i;
	int err;

	if (!jh.enabled)
		return -EINVAL;
	for (i = 1; i < JH_MAX_CELLS; i++) {
		if (jh.cells[i]) {
			pr_err("disable: cell %u \"%s\" exists; destroy it first\n", i,
			       jh.cells[i]->name);
			return -EBUSY;
		}
	}
	cpu_hotplug_disable();
	for_each_cpu(cpu, &jh.root_cpus) {
		if (cpu_present(cpu) && !cpu_online(cpu)) {
			pr_err("disable: CPU %u is offline (parked in the hypervisor); bring it online first\n",
			       cpu);
			cpu_hotplug_enable();
			return -EBUSY;
		}
	}
	for_each_online_cpu(cpu) {
		/* a failed CPU is parked in the hypervisor and would never answer */
		if (jh_hypercall(CELL_ABI_HC_CPU_GET_INFO, cpu, CELL_ABI_CPU_INFO_STATE) ==
		    CELL_ABI_CPU_FAILED) {
			pr_err("disable: CPU %u failed in the hypervisor (see its console); cannot disable\n",
			       cpu);
			cpu_hotplug_enable();
			return -EBUSY;
		}
	}
	err = leave_cpus(cpu_online_mask);
	cpu_hotplug_enable();
	if (err)
		return err;
	jh_sysfs_cell_remove(jh.cells[0]);
	jh.cells[0] = NULL;
	jh.enabled = false;
	release_hv_memory();
	module_put(THIS_MODULE);
	pr_info("hypervisor disabled\n");
	return 0;
}

/* Bring back the CPUs a cell had; Linux owns them again. */
static void online_cpus(const struct cpumask *cpus)
{
	unsigned int cpu;
	int err;

	for_each_cpu(cpu, cpus) {
		err = add_cpu(cpu);
		if (err)
			pr_err("CPU %u did not come back online (%d)\n", cpu, err);
	}
}

/*
 * A cell config as user space gave it: header and layout checked, the CPUs
 * a proper subset of the root's online CPUs without CPU 0, the name unused.
 */
static int check_cell_config(struct cell_abi_cell_desc *c, size_t size, cpumask_t *cpus)
{
	const u8 *bits = (const u8 *)(c + 1);
	unsigned int cpu, i;

	if (memcmp(c->signature, CELL_ABI_CELL_SIGNATURE, CELL_ABI_SIGNATURE_LEN) ||
	    c->revision != CELL_ABI_CONFIG_REVISION || c->architecture != CELL_ABI_ARCH_ARM64) {
		pr_err("cell create: not a revision-%u arm64 cell configuration\n",
		       CELL_ABI_CONFIG_REVISION);
		return -EINVAL;
	}
	if (!c->cpu_set_size || c->cpu_set_size > JH_MAX_CPUS / 8 ||
	    cell_abi_cell_config_size(c) != size) {
		pr_err("cell create: config of %zu bytes, cpu_set_size %u: inconsistent layout\n",
		       size, c->cpu_set_size);
		return -EINVAL;
	}
	c->name[CELL_ABI_NAME_LEN - 1] = 0;
	if (!c->name[0]) {
		pr_err("cell create: empty cell name\n");
		return -EINVAL;
	}
	for (i = 0; i < JH_MAX_CELLS; i++) {
		if (jh.cells[i] && !strcmp(jh.cells[i]->name, c->name)) {
			pr_err("cell create: a cell named \"%s\" exists (id %u)\n", c->name, i);
			return -EEXIST;
		}
	}
	cpumask_clear(cpus);
	for (cpu = 0; cpu < c->cpu_set_size * 8; cpu++) {
		if (!(bits[cpu / 8] & (1 << (cpu % 8))))
			continue;
		if (cpu == 0 || cpu >= nr_cpu_ids || !jh.cells[0] ||
		    !cpumask_test_cpu(cpu, &jh.cells[0]->cpus) || !cpu_online(cpu)) {
			pr_err("cell create: CPU %u is not an online CPU of the root cell (other than CPU 0)\n",
			       cpu);
			return -EBUSY;
		}
		cpumask_set_cpu(cpu, cpus);
	}
	if (cpumask_empty(cpus)) {
		pr_err("cell create: \"%s\" has no CPU\n", c->name);
		return -EINVAL;
	}
	return 0;
}

static int jh_cell_create(struct cell_abi_ioctl_cell_create __user *uarg)
{
	struct cell_abi_ioctl_cell_create arg;
	struct cell_abi_cell_desc *cfg;
	struct jh_cell *cell;
	cpumask_t cpus, offlined;
	unsigned int cpu;
	long id;
	int err;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.config_size < sizeof(*cfg) || arg.config_size > JH_MAX_CELL_CONFIG) {
		pr_err("cell create: config of %u bytes, expected %zu to %lu\n",
		       arg.config_size, sizeof(*cfg), (unsigned long)JH_MAX_CELL_CONFIG);
		return arg.config_size > JH_MAX_CELL_CONFIG ? -E2BIG : -EINVAL;
	}
	/* kmalloc: physically contiguous, the hypervisor reads it by address */
	cfg = kmalloc(arg.config_size, GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	if (copy_from_user(cfg, u64_to_user_ptr(arg.config_address), arg.config_size)) {
		err = -EFAULT;
		goto out_free;
	}

	mutex_lock(&jh_lock);
	err = -EINVAL;
	if (!jh.enabled) {
		pr_err("cell create: hypervisor not enabled\n");
		goto out_unlock;
	}
	err = check_cell_config(cfg, arg.config_size, &cpus);
	if (err)
		goto out_unlock;
	cpumask_clear(&offlined);
	for_each_cpu(cpu, &cpus) {
		err = remove_cpu(cpu);
		if (err) {
			pr_err("cell create: CPU %u cannot go offline (%d)\n", cpu, err);
			goto out_online;
		}
		cpumask_set_cpu(cpu, &offlined);
	}
	id = jh_hypercall(CELL_ABI_HC_CELL_CREATE, __pa(cfg), 0);
	if (id <= 0 || id >= JH_MAX_CELLS) {
		err = id <= 0 ? (int)id : -EIO;
		pr_err("cell create: \"%s\" refused by the hypervisor (%d)\n", cfg->name, err);
		if (id > 0)
			jh_hypercall(CELL_ABI_HC_CELL_DESTROY, id, 0);
		goto out_online;
	}
	cell = jh_sysfs_cell_create(id, cfg->name, &cpus);
	if (IS_ERR(cell)) {
		err = PTR_ERR(cell);
		jh_hypercall(CELL_ABI_HC_CELL_DESTROY, id, 0);
		goto out_online;
	}
	cell->config = cfg;
	jh.cells[id] = cell;
	cpumask_andnot(&jh.cells[0]->cpus, &jh.cells[0]->cpus, &cpus);
	mutex_unlock(&jh_lock);
	pr_info("cell \"%s\" created (id %ld, CPUs %*pbl)\n", cfg->name, id,
		cpumask_pr_args(&cpus));
	return 0;

out_online:
	online_cpus(&offlined);
out_unlock:
	mutex_unlock(&jh_lock);
out_free:
	kfree(cfg);
	return err;
}

/*
 * Why the hypervisor would not stop a cell (destroy, shutdown, restart):
 * the hypervisor's console has the details.
 */
static void stop_refused(const char *what, const struct jh_cell *cell, long err)
{
	if (err == -EPERM)
		pr_err("%s: \"%s\" denied the shutdown request (or a running/locked cell vetoes it)\n",
		       what, cell->name);
	else if (err == -EIO)
		pr_err("%s: \"%s\": a CPU of the cell did not stop\n", what, cell->name);
	else
		pr_err("%s: \"%s\" refused by the hypervisor (%ld)\n", what, cell->name, err);
}

/* The cell an ioctl names: by id, or by name with id -1. */
static struct jh_cell *find_cell(const struct cell_abi_ioctl_cell_id *cid)
{
	unsigned int i;

	if (cid->id != CELL_ABI_CELL_ID_UNUSED)
		return cid->id >= 0 && cid->id < JH_MAX_CELLS ? jh.cells[cid->id] : NULL;
	for (i = 0; i < JH_MAX_CELLS; i++)
		if (jh.cells[i] && !strncmp(jh.cells[i]->name, cid->name, sizeof(cid->name)))
			return jh.cells[i];
	return NULL;
}

static int jh_cell_destroy(struct cell_abi_ioctl_cell_id __user *uarg)
{
	struct cell_abi_ioctl_cell_id cid;
	struct jh_cell *cell;
	cpumask_t cpus;
	long err;

	if (copy_from_user(&cid, uarg, sizeof(cid)))
		return -EFAULT;
	cid.name[sizeof(cid.name) - 1] = 0;
	mutex_lock(&jh_lock);
	err = -EINVAL;
	if (!jh.enabled)
		goto out;
	cell = find_cell(&cid);
	err = -ENOENT;
	if (!cell)
		goto out;
	err = -EINVAL;
	if (cell->id == 0) {
		pr_err("cell destroy: the root cell goes with disable\n");
		goto out;
	}
	err = jh_hypercall(CELL_ABI_HC_CELL_DESTROY, cell->id, 0);
	if (err) {
		stop_refused("cell destroy", cell, err);
		goto out;
	}
	jh.cells[cell->id] = NULL;
	cpumask_copy(&cpus, &cell->cpus);
	cpumask_or(&jh.cells[0]->cpus, &jh.cells[0]->cpus, &cpus);
	pr_info("cell \"%s\" destroyed\n", cell->name);
	kfree(cell->config);
	jh_sysfs_cell_remove(cell);
	online_cpus(&cpus);
out:
	mutex_unlock(&jh_lock);
	return err;
}

/* A non-root cell named by an ioctl argument; jh_lock held. */
static struct jh_cell *find_inmate(const struct cell_abi_ioctl_cell_id *cid, const char *what,
				   int *err)
{
	struct jh_cell *cell;

	*err = -EINVAL;
	if (!jh.enabled) {
		pr_err("%s: hypervisor not enabled\n", what);
		return NULL;
	}
	cell = find_cell(cid);
	if (!cell) {
		*err = -ENOENT;
		return NULL;
	}
	if (cell->id == 0) {
		pr_err("%s: not possible on the root cell\n", what);
		return NULL;
	}
	return cell;
}

static const struct cell_abi_memory *cell_mem(const struct cell_abi_cell_desc *c)
{
	return (const void *)((const u8 *)(c + 1) + c->cpu_set_size);
}

/*
 * The LOADABLE region of the cell config that holds all of an image, as
 * (guest-physical) target and size say; NULL after a message otherwise.
 */
static const struct cell_abi_memory *image_region(const struct jh_cell *cell, unsigned int n,
						  const struct cell_abi_ioctl_preload_image *img,
						  int *err)
{
	const struct cell_abi_memory *m = cell_mem(cell->config);
	u64 target = img->target_address, off;
	unsigned int i;

	for (i = 0; i < cell->config->num_memory_regions; i++) {
		if (!(m[i].flags & CELL_ABI_MEM_LOADABLE) || target < m[i].virt_start ||
		    target - m[i].virt_start >= m[i].size)
			continue;
		off = target - m[i].virt_start;
		if (img->size > m[i].size) {
			pr_err("cell load: \"%s\" image %u: %llu bytes, larger than LOADABLE region %u (%#llx+%#llx)\n",
			       cell->name, n, img->size, i, m[i].virt_start, m[i].size);
			*err = -EFBIG;
			return NULL;
		}
		if (img->size > m[i].size - off) {
			pr_err("cell load: \"%s\" image %u (%#llx+%#llx) runs past the end of LOADABLE region %u (%#llx+%#llx)\n",
			       cell->name, n, target, img->size, i, m[i].virt_start, m[i].size);
			*err = -EINVAL;
			return NULL;
		}
		return &m[i];
	}
	pr_err("cell load: \"%s\" image %u: target %#llx is in no LOADABLE region of the cell\n",
	       cell->name, n, target);
	*err = -EINVAL;
	return NULL;
}

#define JH_LOAD_CHUNK		(1UL << 20)
#define JH_MAX_IMAGES		256

/*
 * Copy one image to physical memory the root holds while the cell is
 * loadable. The cell starts with its MMU off and reads around the caches,
 * so each chunk is cleaned to the point of coherency.
 */
static int copy_image(const struct cell_abi_ioctl_preload_image *img, phys_addr_t phys)
{
	const char __user *src = u64_to_user_ptr(img->source_address);
	u64 done = 0, n;
	void *dst;

	while (done < img->size) {
		n = min_t(u64, img->size - done, JH_LOAD_CHUNK - ((phys + done) & (JH_LOAD_CHUNK - 1)));
		dst = memremap(phys + done, n, MEMREMAP_WB);
		if (!dst)
			return -ENOMEM;
		if (copy_from_user(dst, src + done, n)) {
			memunmap(dst);
			return -EFAULT;
		}
		dcache_clean_inval(dst, n);
		memunmap(dst);
		done += n;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * CELL_LOAD: stop the cell (SET_LOADABLE: its LOADABLE regions go back to
 * the root) and copy the images in. No images is upstream's "cell
 * shutdown". Every target is checked before the cell is touched.
 */
static int jh_cell_load(struct cell_abi_ioctl_cell_load __user *uarg)
{
	struct cell_abi_ioctl_preload_image *img = NULL;
	const struct cell_abi_memory *m;
	struct cell_abi_ioctl_cell_load arg;
	struct jh_cell *cell;
	unsigned int i;
	long ret;
	int err;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	arg.cell_id.name[sizeof(arg.cell_id.name) - 1] = 0;
	if (arg.num_preload_images > JH_MAX_IMAGES) {
		pr_err("cell load: %u images, at most %u\n", arg.num_preload_images, JH_MAX_IMAGES);
		return -E2BIG;
	}
	if (arg.num_preload_images) {
		img = memdup_user(uarg->image, arg.num_preload_images * sizeof(*img));
		if (IS_ERR(img))
			return PTR_ERR(img);
	}
	mutex_lock(&jh_lock);
	cell = find_inmate(&arg.cell_id, "cell load", &err);
	if (!cell)
		goto out;
	err = 0;
	for (i = 0; i < arg.num_preload_images; i++)
		if (!image_region(cell, i, &img[i], &err))
			goto out;
	ret = jh_hypercall(CELL_ABI_HC_CELL_SET_LOADABLE, cell->id, 0);
	if (ret) {
		err = ret;
		stop_refused(arg.num_preload_images ? "cell load" : "cell shutdown", cell, ret);
		goto out;
	}
	for (i = 0; i < arg.num_preload_images; i++) {
		m = image_region(cell, i, &img[i], &err);
		err = copy_image(&img[i], m->phys_start + (img[i].target_address - m->virt_start));
		if (err) {
			pr_err("cell load: \"%s\" image %u: copy failed (%d)\n", cell->name, i, err);
			goto out;
		}
	}
	if (arg.num_preload_images)
		pr_info("cell \"%s\": %u image(s) loaded\n", cell->name, arg.num_preload_images);
out:
	mutex_unlock(&jh_lock);
	kfree(img);
	return err;
}

static int jh_cell_start(struct cell_abi_ioctl_cell_id __user *uarg)
{
	struct cell_abi_ioctl_cell_id cid;
	struct jh_cell *cell;
	long ret;
	int err;

	if (copy_from_user(&cid, uarg, sizeof(cid)))
		return -EFAULT;
	cid.name[sizeof(cid.name) - 1] = 0;
	mutex_lock(&jh_lock);
	cell = find_inmate(&cid, "cell start", &err);
	if (cell) {
		ret = jh_hypercall(CELL_ABI_HC_CELL_START, cell->id, 0);
		err = ret;
		if (ret == -EPERM || ret == -EIO)
			stop_refused("cell start", cell, ret);
		else if (ret == -EINVAL)
			pr_err("cell start: \"%s\": its cpu_reset_address %#llx is not in its RAM\n",
			       cell->name, cell->config->cpu_reset_address);
		else if (ret)
			pr_err("cell start: \"%s\" refused by the hypervisor (%d)\n", cell->name, err);
		else
			pr_info("cell \"%s\" started\n", cell->name);
	}
	mutex_unlock(&jh_lock);
	return err;
}

static long jh_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	long err;

	switch (cmd) {
	case CELL_ABI_IOCTL_ENABLE:
		return jh_enable((void __user *)arg);
	case CELL_ABI_IOCTL_DISABLE:
		mutex_lock(&jh_lock);
		err = jh_disable_locked();
		mutex_unlock(&jh_lock);
		return err;
	case CELL_ABI_IOCTL_CELL_CREATE:
		return jh_cell_create((void __user *)arg);
	case CELL_ABI_IOCTL_CELL_DESTROY:
		return jh_cell_destroy((void __user *)arg);
	case CELL_ABI_IOCTL_CELL_LOAD:
		return jh_cell_load((void __user *)arg);
	case CELL_ABI_IOCTL_CELL_START:
		return jh_cell_start((void __user *)arg);
	default:
		return -EINVAL;
	}
}

/* read(): the hypervisor console from where this file last stopped; 0 at its end. */
static ssize_t jh_read(struct file *file, char __user *ubuf, size_t len, loff_t *ppos)
{
	char *buf, msg[64];
	u32 head = (u32)(uintptr_t)file->private_data, tail, avail;
	ssize_t n, ret = 0;
	int mlen = 0;

	buf = kmalloc(CELL_ABI_CONSOLE_CONTENT_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		mutex_lock(&jh_lock);
		n = jh_console_snapshot(buf, &tail);
		mutex_unlock(&jh_lock);
		if (tail != head || !jh.enabled || (file->f_flags & O_NONBLOCK))
			break;
		if (msleep_interruptible(100) || signal_pending(current)) {
			ret = -ERESTARTSYS;
			goto out;
		}
	}
	/* nothing new: end of data, also for O_NONBLOCK (what upstream tools expect) */
	if (tail == head)
		goto out;
	avail = tail - head;
	if (avail > n) {
		mlen = scnprintf(msg, sizeof(msg), "<missed %u bytes of console log>\n", avail - (u32)n);
		head = tail - n;
		avail = n;
	}
	if (mlen) {
		if (len < mlen) {
			ret = -EINVAL;
			goto out;
		}
		if (copy_to_user(ubuf, msg, mlen)) {
			ret = -EFAULT;
			goto out;
		}
	}
	avail = min_t(size_t, avail, len - mlen);
	if (copy_to_user(ubuf + mlen, buf + n - (tail - head), avail)) {
		ret = -EFAULT;
		goto out;
	}
	file->private_data = (void *)(uintptr_t)(head + avail);
	ret = mlen + avail;
out:
	kfree(buf);
	return ret;
}

static int jh_open(struct inode *inode, struct file *file)
{
	file->private_data = NULL;	/* console read position */
	return 0;
}

static const struct file_operations jh_fops = {
	.owner = THIS_MODULE,
	.open = jh_open,
	.read = jh_read,
	.unlocked_ioctl = jh_ioctl,
	.compat_ioctl = jh_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice jh_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "jailhouse",
	.fops = &jh_fops,
};

static int __init jh_init(void)
{
	int err;

	jh_root_dev = root_device_register("jailhouse");
	if (IS_ERR(jh_root_dev))
		return PTR_ERR(jh_root_dev);
	err = jh_sysfs_init(jh_root_dev);
	if (err)
		goto out_root;
	err = misc_register(&jh_misc);
	if (err)
		goto out_sysfs;
	return 0;
out_sysfs:
	jh_sysfs_exit();
out_root:
	root_device_unregister(jh_root_dev);
	return err;
}

static void __exit jh_exit(void)
{
	misc_deregister(&jh_misc);
	jh_sysfs_exit();
	root_device_unregister(jh_root_dev);
	kvfree(jh.config);
}

module_init(jh_init);
module_exit(jh_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("libcell static partitioning hypervisor driver");
MODULE_FIRMWARE(CELL_ABI_FIRMWARE_NAME);
