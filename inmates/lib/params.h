/* SPDX-License-Identifier: BSD-2-Clause */
/* Where the parameter block sits in an inmate image, for C, asm and ld. */
#ifndef INMATE_PARAMS_H
#define INMATE_PARAMS_H

#define INMATE_PARAMS_OFFSET	0x1000
#define INMATE_PARAMS_SIZE	0x400

#endif
