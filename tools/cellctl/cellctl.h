/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal interface between cellctl's main and its command groups. */
#ifndef CELLCTL_H
#define CELLCTL_H

#include <libcell/cell.h>

/* Exit codes shared by every command. */
#define CELLCTL_OK	0
#define CELLCTL_FAIL	1	/* findings, invalid input, operation failed */
#define CELLCTL_USAGE	2

/* The largest device tree a command reads (a real one is well under 1 MiB). */
#define CELLCTL_DTB_MAX	(64u << 20)

/*
 * A command group receives argv with argv[0] = its own name ("config",
 * "gic", ...) and returns one of the exit codes above. Errors go to stderr
 * prefixed with "cellctl: ".
 */

/* Command groups: dt handoff (handoff.c). */
int cellctl_dt(cell_ctx *ctx, int argc, char **argv);

/* Print "cellctl: <fmt>\n" to stderr. */
void cellctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Device-tree discovery reports (dt.c). */
int cellctl_gic(cell_ctx *ctx, int argc, char **argv);
int cellctl_pci(cell_ctx *ctx, int argc, char **argv);
/* cellctl config: decode, encode, show (tools/cellctl/config.c). */
int cellctl_config(cell_ctx *ctx, int argc, char **argv);
/*
 * Reads a configuration file (16 MiB at most) whole into malloc'ed memory
 * with a NUL after its @size bytes; 0 or -errno after printing the error.
 */
int cellctl_read_text(cell_ctx *ctx, const char *path, char **out, size_t *size);

/*
 * cellctl config check (tools/cellctl/check.c): argv[0] = "check", then the
 * options and files; the "config" group dispatches to it.
 */
int cellctl_config_check(cell_ctx *ctx, int argc, char **argv);
/* cellctl config create (tools/cellctl/create.c). */
int cellctl_config_create(cell_ctx *ctx, int argc, char **argv);

/* The running hypervisor (tools/cellctl/hv.c). */
/*
 * Open the driver handle (LIBCELL_HV_DEVICE, LIBCELL_HV_SYSFS honoured);
 * CELLCTL_OK, or CELLCTL_FAIL after printing the error (*hv NULL then).
 */
int cellctl_open_hv(cell_ctx *ctx, cell_hv **hv);
int cellctl_enable(cell_ctx *ctx, int argc, char **argv);
int cellctl_disable(cell_ctx *ctx, int argc, char **argv);
int cellctl_info(cell_ctx *ctx, int argc, char **argv);
int cellctl_cell(cell_ctx *ctx, int argc, char **argv);
int cellctl_console(cell_ctx *ctx, int argc, char **argv);
/* cellctl cell linux (tools/cellctl/linux.c); argv[0] = "linux". */
int cellctl_cell_linux(cell_ctx *ctx, int argc, char **argv);

#endif /* CELLCTL_H */
