// SPDX-License-Identifier: BSD-2-Clause
/*
 * The arm64 Image header (Documentation/arch/arm64/booting.rst facts):
 * little-endian fields at fixed offsets, magic "ARM\x64" at 56. A file
 * without it is usually a compressed kernel handed over by mistake, so
 * the refusal names what the file looks like.
 */
#include <string.h>

#include <libcell/linux.h>

#include "internal.h"

#define IMAGE_HDR_SIZE		64
#define IMAGE_TEXT_OFFSET	8
#define IMAGE_SIZE		16
#define IMAGE_FLAGS		24
#define IMAGE_MAGIC		56
#define ZIMAGE_MAGIC_OFF	0x24
#define ZIMAGE_MAGIC		0x016f2818u

struct signature {
	size_t offset, len;
	const char *bytes;
	const char *what;
};

/* What a non-Image file turned out to be, and what to do about it. */
static const struct signature foreign[] = {
	{ 0, 2, "\x1f\x8b", "gzip data (vmlinuz.gz or Image.gz): decompress it first" },
	{ 0, 6, "\xfd" "7zXZ\0", "xz data: decompress it first" },
	{ 0, 4, "\x28\xb5\x2f\xfd", "zstd data: decompress it first" },
	{ 0, 4, "\x02\x21\x4c\x18", "lz4 data: decompress it first" },
	{ 0, 3, "BZh", "bzip2 data: decompress it first" },
	{ 0, 3, "\x5d\0\0", "lzma data: decompress it first" },
	{ 4, 4, "zimg", "an EFI zboot image (compressed): boot the Image inside it" },
};

int cell_linux_image_parse(cell_ctx *ctx, const void *image, size_t size,
			   struct cell_linux_image_info *out)
{
	const uint8_t *p = image;
	struct cell_linux_image_info info;
	size_t i;

	if (!image || !out)
		return cell__err(ctx, -EINVAL, "Image: no data given");
	if (size < IMAGE_HDR_SIZE || memcmp(p + IMAGE_MAGIC, "ARM\x64", 4)) {
		/* not an Image: say what it is, most often a compressed kernel */
		for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
			if (size >= foreign[i].offset + foreign[i].len &&
			    !memcmp(p + foreign[i].offset, foreign[i].bytes, foreign[i].len))
				return cell__err(ctx, -ENOEXEC,
						 "Image: not an arm64 Image but %s", foreign[i].what);
		if (size >= ZIMAGE_MAGIC_OFF + 4 &&
		    cell__le32(p + ZIMAGE_MAGIC_OFF) == ZIMAGE_MAGIC)
			return cell__err(ctx, -ENOEXEC,
					 "Image: a 32-bit ARM zImage, not an arm64 Image");
		if (size < IMAGE_HDR_SIZE)
			return cell__err(ctx, -ENOEXEC,
					 "Image: %zu bytes is shorter than the 64-byte arm64 header",
					 size);
		return cell__err(ctx, -ENOEXEC,
				 "Image: no arm64 Image magic \"ARM\\x64\" at offset 56");
	}

	info.text_offset = cell__le64(p + IMAGE_TEXT_OFFSET);
	info.image_size = cell__le64(p + IMAGE_SIZE);
	info.flags = cell__le64(p + IMAGE_FLAGS);
	info.file_size = size;
	if (info.flags & CELL_LINUX_IMAGE_BE)
		return cell__err(ctx, -ENOEXEC,
				 "Image: a big-endian kernel (flags 0x%llx bit 0); the cell's CPUs boot little-endian",
				 (unsigned long long)info.flags);
	if (!info.image_size)
		return cell__err(ctx, -ENOEXEC,
				 "Image: image_size is 0 (a kernel older than 3.17): its memory footprint is unknown");
	if (info.text_offset >= CELL_LINUX_KERNEL_ALIGN)
		return cell__err(ctx, -ENOEXEC,
				 "Image: text_offset 0x%llx is not below 2 MiB",
				 (unsigned long long)info.text_offset);
	*out = info;
	return 0;
}
