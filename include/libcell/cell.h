/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file cell.h
 * @brief Umbrella header: include this to use all of libcell.
 */
#ifndef LIBCELL_CELL_H
#define LIBCELL_CELL_H

#include <libcell/common.h>
#include <libcell/config.h>
#include <libcell/check.h>
#include <libcell/gic.h>
#include <libcell/pci.h>
#include <libcell/hv.h>
#include <libcell/create.h>
#include <libcell/dt.h>
#include <libcell/linux.h>

#endif /* LIBCELL_CELL_H */
