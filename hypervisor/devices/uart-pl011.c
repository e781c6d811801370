// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 debug UART output (polled). The root cell shares the UART with the
 * hypervisor, so characters may interleave with Linux's console.
 */
#include <hv/hv.h>

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	BIT(5)

static volatile u8 *uart_base;

void uart_init(const struct cell_abi_console *con, u64 va)
{
	if (va && con->type == CELL_ABI_CON_TYPE_PL011 && (con->flags & CELL_ABI_CON_ACCESS_MMIO))
		uart_base = (volatile u8 *)va;
}

void uart_putc(char c)
{
	unsigned int spin = 100000;

	if (!uart_base)
		return;
	while ((*(volatile u32 *)(uart_base + PL011_FR) & PL011_FR_TXFF) && --spin)
		;
	*(volatile u32 *)(uart_base + PL011_DR) = (u8)c;
}
