// SPDX-License-Identifier: GPL-2.0
/*
 * The communication region of a non-root cell: one pool page the cell maps
 * where its config says. The hypervisor fills it at start and writes the
 * states it decides; the cell reports its own state there and answers
 * messages. Field ownership: msg_to_cell is the hypervisor's,
 * reply_from_cell the cell's; whoever writes its field first clears the
 * other one, then a barrier.
 *
 * The cell may run with its MMU off (its accesses then bypass the caches)
 * while the hypervisor's mapping is cacheable, so every write here is
 * cleaned to the point of coherency and every read preceded by a clean and
 * invalidate of its line (the hypervisor never leaves that line dirty
 * while it waits, so nothing the cell wrote is overwritten).
 */
#include <hv/hv.h>
#include <hv/arm64.h>

static struct cell_abi_comm_region_arm *comm(struct cell *c)
{
	return c->comm_page;
}

static void comm_sync(struct cell *c)
{
	dcache_clean_range((u64)c->comm_page, sizeof(struct cell_abi_comm_region_arm));
}

/*
 * The comm region as upstream inmates expect it: they check signature and
 * revision first and take their console and GIC addresses from it.
 */
void comm_init(struct cell *c)
{
	const struct cell_abi_platform_info *p = &hv.config->platform_info;
	struct cell_abi_comm_region_arm *cr = comm(c);

	if (!cr)
		return;
	memset(cr, 0, PAGE_SIZE);
	memcpy(cr->signature, CELL_ABI_COMM_SIGNATURE, sizeof(cr->signature));
	cr->revision = CELL_ABI_COMM_REVISION;
	cr->cell_state = CELL_ABI_CELL_RUNNING;
	if (c->config->flags & CELL_ABI_CELL_VIRTUAL_CONSOLE_PERMITTED)
		cr->flags |= CELL_ABI_COMM_FLAG_DBG_PUTC_PERMITTED;
	if (c->config->flags & CELL_ABI_CELL_VIRTUAL_CONSOLE_ACTIVE)
		cr->flags |= CELL_ABI_COMM_FLAG_DBG_PUTC_ACTIVE;
	cr->console = c->config->console;
	cr->pci_mmconfig_base = p->pci_mmconfig_base;
	cr->gic_version = p->arm.gic_version;
	cr->gicd_base = p->arm.gicd_base;
	cr->gicc_base = p->arm.gicc_base;
	cr->gicr_base = p->arm.gicr_base;
	cr->vpci_irq_base = c->config->vpci_irq_base;
	dcache_clean_range((u64)cr, PAGE_SIZE);
}

/* A state the hypervisor decided (failed, shut down), for the cell to see. */
void comm_set_state(struct cell *c, u32 state)
{
	if (!comm(c))
		return;
	comm_sync(c);
	WRITE_ONCE(comm(c)->cell_state, state);
	comm_sync(c);
}

/* What the cell reports; a cell without comm region is running. */
u32 comm_cell_state(struct cell *c)
{
	if (!comm(c))
		return CELL_ABI_CELL_RUNNING;
	comm_sync(c);
	return READ_ONCE(comm(c)->cell_state);
}

static u64 reply_timeout_ms(const struct cell *c)
{
	u64 t = c->config->msg_reply_timeout;

	/* microseconds here; upstream counts loop iterations, 0 = forever */
	if (!t)
		return HV_MSG_REPLY_DEFAULT_MS;
	t = (t + 999) / 1000;
	return t < HV_MSG_REPLY_MAX_MS ? t : HV_MSG_REPLY_MAX_MS;
}

/*
 * Ask a running cell to shut down and wait, bounded, for its reply.
 * Returns 0 (approved, or nothing to ask: a passive cell, or one that
 * reports itself shut down or failed), -EPERM (denied) or -ETIMEDOUT (no
 * reply in time). A reply that is neither counts as approval: the cell
 * did not object. Runs without hv.lock.
 */
int comm_request_shutdown(struct cell *c)
{
	struct cell_abi_comm_region_arm *cr = comm(c);
	u64 deadline;
	u32 state, reply;

	if (!cr || c->config->flags & CELL_ABI_CELL_PASSIVE_COMMREG)
		return 0;
	state = comm_cell_state(c);
	if (state != CELL_ABI_CELL_RUNNING && state != CELL_ABI_CELL_RUNNING_LOCKED)
		return 0;
	WRITE_ONCE(cr->reply_from_cell, CELL_ABI_MSG_NONE);
	dsb(ishst);
	WRITE_ONCE(cr->msg_to_cell, CELL_ABI_MSG_SHUTDOWN_REQUEST);
	comm_sync(c);
	deadline = counter_deadline(reply_timeout_ms(c));
	do {
		comm_sync(c);
		reply = READ_ONCE(cr->reply_from_cell);
		if (reply == CELL_ABI_REPLY_DENIED)
			return -EPERM;
		if (reply != CELL_ABI_MSG_NONE)
			return 0;
	} while (!counter_passed(deadline));
	/* withdraw the request: a late answer must not be taken for the next one */
	WRITE_ONCE(cr->msg_to_cell, CELL_ABI_MSG_NONE);
	comm_sync(c);
	return -ETIMEDOUT;
}
