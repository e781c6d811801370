/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding base types for the hypervisor. The shared ABI header brings
 * in the compiler's freestanding <stdint.h>/<stddef.h>.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <libcell/abi/cell-abi.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef _Bool bool;
#define true 1
#define false 0

#define PAGE_SIZE	4096UL
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((u64)(a) - 1))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1UL << (n))

#define EPERM	1
#define ENOENT	2
#define EIO	5
#define E2BIG	7
#define ENOMEM	12
#define EBUSY	16
#define EEXIST	17
#define ENODEV	19
#define EINVAL	22
#define ENOSYS	38
#define ETIMEDOUT	110

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

void *memset(void *s, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);

#endif
