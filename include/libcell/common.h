/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file common.h
 * @brief Conventions shared by every libcell module: export macro, contexts,
 *        errors, library-owned memory and version queries.
 *
 * Every function that can fail returns an `int`: zero (or a non-negative
 * count) on success and a negative errno value on failure. libcell never sets
 * `errno` and never prints. The human-readable reason for the last failure,
 * naming the file, field or offset involved, is kept in the ::cell_ctx the
 * call worked on and is read with cell_ctx_last_error().
 *
 * Objects created from a context borrow it: the context must outlive them.
 * A context and the objects created from it must not be used from two threads
 * at once; distinct contexts are independent.
 */
#ifndef LIBCELL_COMMON_H
#define LIBCELL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <libcell/version.h>

/** @def CELL_BEGIN_DECL
 *  Opens the C-linkage block of a public header (empty in C). */
/** @def CELL_END_DECL
 *  Closes the block opened by #CELL_BEGIN_DECL (empty in C). */
#ifdef __cplusplus
#define CELL_BEGIN_DECL extern "C" {
#define CELL_END_DECL }
#else
#define CELL_BEGIN_DECL
#define CELL_END_DECL
#endif

/** Marks a function as part of the exported, versioned ABI. */
#if defined(CELL_BUILDING_LIBRARY) && defined(__GNUC__)
#define CELL_API __attribute__((visibility("default")))
#else
#define CELL_API
#endif

CELL_BEGIN_DECL

/** @defgroup common Contexts, errors and versions
 *  @{ */

/**
 * @brief Error context. Holds the message of the last failure of any call
 *        made with it or with an object created from it.
 */
typedef struct cell_ctx cell_ctx;

/**
 * @brief A device tree checked and indexed once (cell_dt_new() in dt.h), for
 *        running several discoveries and handoffs on the same tree.
 */
typedef struct cell_dt cell_dt;

/**
 * @brief Create a context.
 * @param[out] out receives the new context; the caller owns it and releases
 *                 it with cell_ctx_free(). Left untouched on failure.
 * @return 0, -EINVAL if @p out is NULL, -ENOMEM when out of memory.
 */
CELL_API int cell_ctx_new(cell_ctx **out);

/**
 * @brief Destroy a context. NULL is a no-op.
 *
 * Every object created from @p ctx must have been freed before.
 */
CELL_API void cell_ctx_free(cell_ctx *ctx);

/**
 * @brief Message describing the last failure recorded in @p ctx.
 * @return a NUL-terminated string owned by @p ctx, valid until the next call
 *         using @p ctx; "" when no failure was recorded; "invalid context"
 *         when @p ctx is NULL.
 */
CELL_API const char *cell_ctx_last_error(const cell_ctx *ctx);

/**
 * @brief Negative errno value of the last failure recorded in @p ctx,
 *        0 when there was none.
 */
CELL_API int cell_ctx_last_errno(const cell_ctx *ctx);

/**
 * @brief Forget the last failure recorded in @p ctx. NULL is a no-op.
 */
CELL_API void cell_ctx_clear_error(cell_ctx *ctx);

/**
 * @brief Short description of a libcell return value.
 * @param err a value returned by libcell (negative errno, or 0).
 * @return a static string; never NULL.
 */
CELL_API const char *cell_strerror(int err);

/**
 * @brief Release memory that libcell handed to the caller (strings and
 *        byte buffers documented as "free with cell_free()"). NULL is a no-op.
 *
 * Use this rather than free(): the library and its caller may not share an
 * allocator.
 */
CELL_API void cell_free(void *ptr);

/**
 * @brief Runtime version of the library.
 * @return the version as "MAJOR.MINOR.PATCH", a static string.
 */
CELL_API const char *cell_version(void);

/**
 * @brief Runtime version as a number, comparable with
 *        #CELL_VERSION_NUMBER of the headers a program was built with.
 */
CELL_API uint32_t cell_version_number(void);

/**
 * @brief Read a whole regular file.
 * @param ctx error context.
 * @param path file to read.
 * @param max largest size accepted, in bytes.
 * @param[out] out the bytes; free with cell_free().
 * @param[out] size their number.
 * @return 0; -EINVAL for NULL arguments or a path that is not a regular
 *         file; -EISDIR; -EFBIG above @p max; -ENOMEM; the negative errno of
 *         a failed open/read. The message names @p path.
 */
CELL_API int cell_file_read(cell_ctx *ctx, const char *path, size_t max,
			    uint8_t **out, size_t *size);

/**
 * @brief Write a file atomically: a temporary file in the same directory,
 *        fsync, rename over @p path. Readers see the old or the complete new
 *        content, never a partial one; on failure nothing is left behind.
 * @return 0; -EINVAL for NULL arguments; the negative errno of the failed
 *         file operation (-EACCES, -ENOENT, -ENOSPC, ...), naming @p path.
 */
CELL_API int cell_file_write(cell_ctx *ctx, const char *path, const void *data,
			     size_t size);

/** @} */

CELL_END_DECL

#endif /* LIBCELL_COMMON_H */
