/* SPDX-License-Identifier: GPL-2.0 */
/* Device register access through the EL2 remap window. */
#ifndef HV_IO_H
#define HV_IO_H

#include <hv/hv.h>

static inline u32 io_read32(u64 addr)
{
	return *(volatile u32 *)addr;
}

static inline void io_write32(u64 addr, u32 v)
{
	*(volatile u32 *)addr = v;
}

/* An access of 1, 2, 4 or 8 bytes, as a trapped guest access asked. */
static inline u64 io_read(u64 addr, unsigned int size)
{
	switch (size) {
	case 1: return *(volatile u8 *)addr;
	case 2: return *(volatile u16 *)addr;
	case 4: return *(volatile u32 *)addr;
	default: return *(volatile u64 *)addr;
	}
}

static inline void io_write(u64 addr, u64 v, unsigned int size)
{
	switch (size) {
	case 1: *(volatile u8 *)addr = v; break;
	case 2: *(volatile u16 *)addr = v; break;
	case 4: *(volatile u32 *)addr = v; break;
	default: *(volatile u64 *)addr = v; break;
	}
}

/*
 * Change only the 'mask' bits of a shared register (fields of several
 * owners in one word), under 'lock' against other writers.
 */
static inline void io_update(volatile u32 *lock, u64 addr, u64 mask, u64 v, unsigned int size)
{
	spin_lock(lock);
	io_write(addr, (io_read(addr, size) & ~mask) | (v & mask), size);
	spin_unlock(lock);
}

#endif
