/* SPDX-License-Identifier: BSD-2-Clause */
/* cellctl: command-line front end of libcell. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cellctl.h"

struct command {
	const char *name;
	int (*run)(cell_ctx *ctx, int argc, char **argv);
	const char *help;
};

/* Each command group adds one line here and its entry point to cellctl.h. */
static const struct command commands[] = {
	{ "help", NULL, "help                                  this text" },
	{ "gic", cellctl_gic, "gic [--json] FILE.dtb                 GICs, redistributors, ITS, CPUs of a DTB" },
	{ "pci", cellctl_pci, "pci [--json] FILE.dtb                 PCI host bridges: windows, MSI, INTx of a DTB" },
	{ "config", cellctl_config,
	  "config decode|encode|show|check ...   convert, inspect and check .cell files" },
	{ "dt", cellctl_dt,
	  "dt handoff --host H --inmate I ...    move PCIe hosts + ITS into an inmate DT" },
	{ "enable", cellctl_enable, "enable SYSCONFIG.cell                 start the hypervisor" },
	{ "disable", cellctl_disable, "disable                               stop the hypervisor" },
	{ "info", cellctl_info, "info                                  enabled state, memory pools" },
	{ "cell", cellctl_cell,
	  "cell list|create|load|start|shutdown|destroy|stats|linux ...  manage cells" },
	{ "console", cellctl_console, "console [-f]                          hypervisor console" },
};

void cellctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("cellctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cellctl [--version] [--help] COMMAND [ARGS]\n\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].help);
	fprintf(f, "\nExit status: 0 ok, 1 findings or failure, 2 usage.\n");
}

int main(int argc, char **argv)
{
	cell_ctx *ctx;
	size_t i;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return CELLCTL_USAGE;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("cellctl %s (libcell %s)\n", CELL_VERSION_STRING, cell_version());
		return CELLCTL_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return CELLCTL_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!commands[i].run || strcmp(argv[1], commands[i].name))
			continue;
		if (cell_ctx_new(&ctx)) {
			cellctl_err("out of memory");
			return CELLCTL_FAIL;
		}
		ret = commands[i].run(ctx, argc - 1, argv + 1);
		cell_ctx_free(ctx);
		return ret;
	}
	cellctl_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return CELLCTL_USAGE;
}
