/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core data structures: the global hypervisor state, cells and per-CPU data.
 * Everything a later non-root cell needs (its own stage-2, IRQ bitmap, MMIO
 * handlers, CPU set) lives in struct cell, not in globals.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <hv/types.h>

#define HV_MAX_CPUS		64
#define HV_STACK_SIZE		16384
#define HV_MAX_MMIO		16
#define HV_MAX_IRQS		1024
#define HV_PENDING_IRQS		64
/*
 * The SGI the hypervisor keeps for itself (Linux uses 0-7): it wakes a
 * parked CPU. No cell can send, enable or configure it.
 */
#define HV_SGI_EVENT		15
#define GICR_FRAME_SIZE		0x20000UL	/* RD_base + SGI_base (GICv3) */

/* Guest registers saved at the top of the per-CPU stack on every exit. */
struct regs {
	u64 x[31];
	u64 pad;
};
#define HV_FRAME_SIZE		256

typedef int (*mmio_handler_t)(void *arg, u64 offset, u64 *val, unsigned int size,
			      bool is_write);

struct mmio_region {
	u64 start;
	u64 size;
	mmio_handler_t handler;	/* set at run time: the image is position independent */
	void *arg;
};

struct cell {
	unsigned int id;
	u32 state;
	const struct cell_abi_cell_desc *config;
	u64 cpu_set;				/* bit n: Linux/hypervisor CPU n */
	u32 irq_bitmap[HV_MAX_IRQS / 32];	/* INTIDs this cell owns */
	u64 *s2_root;				/* stage-2 level-1 table(s) */
	u16 vmid;
	unsigned int num_mmio;
	struct mmio_region mmio[HV_MAX_MMIO];
	/* non-root cells: the config copy and comm page (pool pages) */
	unsigned int config_pages;
	void *comm_page;
	bool loadable;		/* LOADABLE regions are lent back to the root */
	u32 gic_refusals;	/* LPI/ITS register writes refused (gicr.c, its.c) */
	/* the GICv3 ITS this cell owns, if any (its.c) */
	u64 its_ipa;		/* its control frame in the cell, trapped */
	u64 its_va;		/* the same frame in the EL2 remap window */
	u32 its_refused;	/* ITS registers whose last write was refused */
};

/* How long the root waits for a cell's CPUs to park (they always can). */
#define HV_PARK_TIMEOUT_MS	1000
/*
 * How long a shutdown request waits for the cell's reply when its config
 * sets no msg_reply_timeout (upstream's 0 means forever: never here).
 */
#define HV_MSG_REPLY_DEFAULT_MS	1000
#define HV_MSG_REPLY_MAX_MS	10000

#define HV_MAX_CELLS		8	/* the root included */

enum cpu_state {
	CPU_OFF = 0,		/* parked at EL2, waiting for PSCI CPU_ON */
	CPU_RUNNING,
	CPU_ON_PENDING,
	CPU_FAILED,
};

struct per_cpu {
	u8 stack[HV_STACK_SIZE];	/* must stay first: entry.S uses it */
	unsigned int cpu_id;
	u64 mpidr;
	struct cell *cell;
	volatile u32 state;
	bool entered;
	u64 on_entry;
	u64 on_context;
	/*
	 * Set by another CPU (with the event SGI) to make this one park; it
	 * clears the request once it sits in the park loop. Requests are
	 * posted under hv.lock; nobody waits for one while holding it.
	 */
	volatile u32 park_request;
	u32 stats[CELL_ABI_STAT_NUM_ARM64];
	volatile u8 *gicr;		/* this CPU's redistributor (RD frame) */
	u32 gicr_waker;			/* the guest's view of GICR_WAKER */
	/*
	 * LPIs of a non-root cell: which of PROPBASER/PENDBASER hold a table
	 * the hypervisor accepted since the last reset (gicr.c). While the
	 * CPU is in another cell, the root's LPI setup of its redistributor
	 * is kept here to be put back at destroy.
	 */
	u32 lpi_accepted;
	bool root_lpis;
	u64 root_propbaser, root_pendbaser;
	unsigned int num_lrs;
	u32 pending[HV_PENDING_IRQS];	/* injections waiting for a free LR */
	unsigned int pending_head, pending_tail;
} __attribute__((aligned(4096)));

struct hypervisor {
	u64 base;			/* physical == EL2 virtual (identity map) */
	u64 size;
	u64 stub_page;			/* stub-compatible EL2 vectors, last page */
	struct cell_abi_system *config;
	u64 el2_ttbr;			/* written with the MMU off, read by every CPU */
	bool initialized;
	unsigned int entered_cpus;
	u64 pool_base;
	unsigned long pool_pages;
	unsigned long pool_used;
	u8 *pool_bitmap;
	volatile u32 lock;
	/*
	 * Serializes cell management (root CPUs only). Held while waiting for
	 * a cell's reply or its CPUs, so it is never taken under hv.lock.
	 */
	volatile u32 mgmt_lock;
	struct cell root_cell;
	unsigned int num_cells;
	u64 gicd_base, gicr_base;	/* physical */
	u64 gicd, gicr;			/* EL2 virtual (remap window) */
	unsigned int gicr_frames;	/* redistributor frames, up to Last */
	u64 uart;
	unsigned long remap_used;	/* pages of the remap window handed out */
	unsigned int s2_ipa_bits;
	unsigned int maintenance_irq;
};

extern struct hypervisor hv;
extern struct cell_abi_hv_header hv_header;
extern struct cell_abi_virt_console hv_console;

static inline struct per_cpu *per_cpu(unsigned int cpu)
{
	return (struct per_cpu *)(hv.base + hv_header.core_size +
				  cpu * hv_header.percpu_size);
}

static inline struct per_cpu *this_cpu(void)
{
	u64 v;

	asm volatile("mrs %0, tpidr_el2" : "=r"(v));
	return (struct per_cpu *)v;
}

static inline bool cell_owns_irq(const struct cell *c, unsigned int irq)
{
	return irq < HV_MAX_IRQS && (c->irq_bitmap[irq / 32] & (1U << (irq % 32)));
}

void spin_lock(volatile u32 *l);
void spin_unlock(volatile u32 *l);

/*
 * EL2 virtual layout: the hypervisor memory identity mapped, devices in a
 * remap window above it (their physical addresses may be anywhere).
 */
#define REMAP_BASE	0x7f00000000UL
#define REMAP_PAGES	16384UL

/* paging.c */
void *page_alloc(void);
void *page_alloc_aligned(unsigned int pages);
void page_free(void *p, unsigned int pages);
void pool_init(u64 base, u64 end);
u64 remap_device(u64 *el2_root, u64 pa, u64 size);
u64 *s2_root_alloc(void);
void s2_root_free(u64 *root);
#define TEMP_PAGES	17	/* a 16-page cell config at any offset */
int temp_map_init(void);
const void *temp_map(u64 pa, u64 size);
void temp_unmap(void);
#define PT_NORMAL	0
#define PT_DEVICE	1
#define PT_NORMAL_RO	2	/* stage 2 only */
int el2_map(u64 *root, u64 addr, u64 size, int type);
int s2_map(u64 *root, u64 ipa, u64 pa, u64 size, int type);
int s2_unmap(struct cell *c, u64 ipa, u64 size);
void s2_flush(struct cell *c);

/* printk.c */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printk_uart(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_putc(char c);
void uart_init(const struct cell_abi_console *con, u64 va);
void uart_putc(char c);

/* mmio.c */
int mmio_register(struct cell *c, u64 start, u64 size, mmio_handler_t h, void *arg);
int mmio_handle(struct per_cpu *pc, struct regs *r, u64 esr, u64 ipa);

/* control.c */
long hypercall(struct per_cpu *pc, struct regs *r);
void cpu_park(struct per_cpu *pc, struct regs *r, bool failed);
void cpu_request_park(struct per_cpu *t);
bool cpus_wait_parked(u64 set, u64 ms);
u64 counter_deadline(u64 ms);
bool counter_passed(u64 deadline);
int cell_init_root(struct cell *c, const struct cell_abi_cell_desc *cfg);
const struct cell_abi_memory *cfg_mem(const struct cell_abi_cell_desc *c);
int map_gicr_grant(struct cell *c, const struct cell_abi_memory *m, unsigned int i);

/* cell.c */
long cell_create(u64 config_pa);
long cell_destroy(unsigned long id);
long cell_set_loadable(unsigned long id);
long cell_start(unsigned long id);
long cell_get_state(unsigned long id);
struct cell *cell_find(unsigned long id);
void cell_cpu_failed(struct per_cpu *pc);
void cell_stop_self(struct per_cpu *pc, struct regs *r, u32 state);
bool cell_ram_holds(const struct cell *c, u64 addr, u64 size);

/* comm.c */
void comm_init(struct cell *c);
void comm_set_state(struct cell *c, u32 state);
u32 comm_cell_state(struct cell *c);
int comm_request_shutdown(struct cell *c);

/* arch */
void arch_cpu_shutdown(struct per_cpu *pc);
int arch_cpu_init(struct per_cpu *pc);
void arch_reset_el1(struct per_cpu *pc, struct regs *r, u64 entry, u64 ctx);
void arch_inject_abort(struct per_cpu *pc, u64 esr);
void fpsimd_reset(void);
void __attribute__((noreturn)) hv_leave_el2(struct regs *r, u64 vbar);
void dcache_inval_range(u64 start, u64 size);
void dcache_clean_range(u64 start, u64 size);

/* gicv3.c */
int gic_global_init(void);
int gic_cell_init(struct cell *c);
int gic_cpu_init(struct per_cpu *pc);
void gic_cpu_shutdown(struct per_cpu *pc, bool keep_pending);
void gic_handle_irq(struct per_cpu *pc);
int gic_handle_sgi_write(struct per_cpu *pc, u64 val);
void gic_send_event(struct per_cpu *target);
void gic_park_irqs(struct per_cpu *pc);
void gic_park_end(struct per_cpu *pc);
/* gicr.c */
int gicr_global_init(void);
int gicr_access(void *arg, u64 offset, u64 *val, unsigned int size, bool is_write);
void gicr_cpu_init(struct per_cpu *pc);
void gicr_cpu_reset(struct per_cpu *pc);
int gicr_lpi_take(struct per_cpu *pc);
void gicr_lpi_reset(struct per_cpu *pc);
void gicr_lpi_give_back(struct per_cpu *pc);
void gic_refusal(struct cell *c, unsigned int cpu, const char *reg, u64 val,
		 const char *why, u64 addr, u64 size);
/* its.c */
int its_cell_init(struct cell *c, const struct cell_abi_memory *m, unsigned int i);
void its_cell_reset(struct cell *c);
/* gicd.c */
int gicd_access(void *arg, u64 offset, u64 *val, unsigned int size, bool is_write);

/* psci.c */
bool psci_handle(struct per_cpu *pc, struct regs *r);

#endif
