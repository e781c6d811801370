// SPDX-License-Identifier: GPL-2.0
/*
 * printk into the console page (read by the driver through sysfs "console"
 * and read() on /dev/jailhouse); printk_uart also to the debug UART.
 *
 * Console page protocol: tail counts every byte ever written (it wraps at
 * 2^32), content[tail % size] is the next byte; busy is odd while a writer
 * is updating, so a reader copies, then retries if busy was set or tail moved.
 */
#include <stdarg.h>
#include <hv/hv.h>

static volatile u32 printk_lock;
static bool to_uart;	/* under printk_lock */

void console_putc(char c)
{
	u32 t = hv_console.tail;

	hv_console.content[t % CELL_ABI_CONSOLE_CONTENT_SIZE] = c;
	__atomic_store_n(&hv_console.tail, t + 1, __ATOMIC_RELEASE);
	if (to_uart) {
		if (c == '\n')
			uart_putc('\r');
		uart_putc(c);
	}
}

static void put_num(unsigned long long v, unsigned int base, int width, bool neg)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	while (width-- > n)
		console_putc(base == 16 ? '0' : ' ');
	while (n)
		console_putc(buf[--n]);
}

static void vprintk(bool uart, const char *fmt, va_list ap)
{
	const char *s;
	int width, lng;
	long long sv;

	spin_lock(&printk_lock);
	to_uart = uart;
	__atomic_store_n(&hv_console.busy, 1, __ATOMIC_RELEASE);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			console_putc(*fmt);
			continue;
		}
		fmt++;
		width = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		lng = 0;
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
			sv = lng ? va_arg(ap, long long) : va_arg(ap, int);
			put_num(sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv,
				10, width, sv < 0);
			break;
		case 'u':
			put_num(lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int),
				10, width, false);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int),
				16, width, false);
			break;
		case 'c':
			console_putc(va_arg(ap, int));
			break;
		case 's':
			for (s = va_arg(ap, const char *); *s; s++)
				console_putc(*s);
			break;
		default:
			console_putc('%');
			console_putc(*fmt);
			break;
		}
	}
	__atomic_store_n(&hv_console.busy, 0, __ATOMIC_RELEASE);
	spin_unlock(&printk_lock);
}

/* Routine messages: console page only (the UART is usually Linux's console). */
void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(false, fmt, ap);
	va_end(ap);
}

/* Errors, and what a cell asks to print: console page and debug UART. */
void printk_uart(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(true, fmt, ap);
	va_end(ap);
}
