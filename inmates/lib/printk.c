// SPDX-License-Identifier: BSD-2-Clause
/*
 * A minimal printf over DEBUG_CONSOLE_PUTC: enough for the demos, no
 * buffers (every character is one hypercall, which the hypervisor writes
 * to its console page and UART). On a bare machine it drives a PL011.
 */
#include <stdarg.h>
#include "inmate.h"

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	(1U << 5)
#define PSCI_SYSTEM_OFF	0x84000008U

static uintptr_t pl011;

void inmate_console_pl011(uintptr_t base)
{
	pl011 = base;
}

static void con_putc(char c)
{
	if (!pl011) {
		cell_inmate_putc(c);
		return;
	}
	if (c == '\n')
		con_putc('\r');
	while (cell_inmate_mmio_read32(pl011 + PL011_FR) & PL011_FR_TXFF)
		;
	cell_inmate_mmio_write32(pl011 + PL011_DR, (uint8_t)c);
}

static void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

static void put_num(unsigned long long v, unsigned int base)
{
	char buf[20];
	unsigned int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		con_putc(buf[--n]);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	unsigned int longs;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			con_putc(*fmt);
			continue;
		}
		for (longs = 0; fmt[1] == 'l'; fmt++)
			longs++;
		switch (*++fmt) {
		case 's':
			con_puts(va_arg(ap, const char *));
			break;
		case 'c':
			con_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);

			if (v < 0)
				con_putc('-');
			put_num(v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10);
			break;
		}
		case 'u':
		case 'x':
			put_num(longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int),
				*fmt == 'u' ? 10 : 16);
			break;
		case '%':
			con_putc('%');
			break;
		default:
			con_putc('?');
			if (!*fmt)
				fmt--;
			break;
		}
	}
	va_end(ap);
}

/* In a cell: PSCI CPU_OFF. On a bare machine: SYSTEM_OFF through HVC. */
void inmate_cpu_off(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	if (!inmate_bare())
		cell_inmate_cpu_off();
	else
		__asm__ __volatile__("hvc #0" : "+r"(x0) : : "memory");
	for (;;)
		__asm__ __volatile__("wfi");
}

void inmate_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
	printk("inmate: unexpected exception: ESR %llx ELR %llx FAR %llx, CPU off\n",
	       (unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
	inmate_cpu_off();
}
