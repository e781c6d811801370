// SPDX-License-Identifier: BSD-2-Clause
/*
 * A minimal printf over DEBUG_CONSOLE_PUTC: enough for the demos, no
 * buffers (every character is one hypercall, which the hypervisor writes
 * to its console page and UART).
 */
#include <stdarg.h>
#include "inmate.h"

static void put_num(unsigned long long v, unsigned int base)
{
	char buf[20];
	unsigned int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		cell_inmate_putc(buf[--n]);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	unsigned int longs;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			cell_inmate_putc(*fmt);
			continue;
		}
		for (longs = 0; fmt[1] == 'l'; fmt++)
			longs++;
		switch (*++fmt) {
		case 's':
			cell_inmate_puts(va_arg(ap, const char *));
			break;
		case 'c':
			cell_inmate_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);

			if (v < 0)
				cell_inmate_putc('-');
			put_num(v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10);
			break;
		}
		case 'u':
		case 'x':
			put_num(longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int),
				*fmt == 'u' ? 10 : 16);
			break;
		case '%':
			cell_inmate_putc('%');
			break;
		default:
			cell_inmate_putc('?');
			if (!*fmt)
				fmt--;
			break;
		}
	}
	va_end(ap);
}

void inmate_cpu_off(void)
{
	cell_inmate_cpu_off();
	__builtin_unreachable();
}

void inmate_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
	printk("inmate: unexpected exception: ESR %llx ELR %llx FAR %llx, CPU off\n",
	       (unsigned long long)esr, (unsigned long long)elr, (unsigned long long)far);
	inmate_cpu_off();
}
