// SPDX-License-Identifier: GPL-2.0
/*
 * The viewer's files, copied byte for byte into .rodata by the assembler.
 * The paths are relative to the repository root, where make runs; the
 * Makefile makes this object depend on every file under html/, because
 * the compiler's dependency list does not see .incbin.
 */
#include <string.h>
#include "html_assets.h"

#define ASSET_DIR "userspace/output/html/"

/* Defines SYM and SYM_end around the file's bytes. */
#define INCBIN(sym, file)						\
	__asm__(".pushsection .rodata\n"				\
		".balign 16\n"						\
		".type " #sym ", @object\n"				\
		#sym ":\n"						\
		".incbin \"" ASSET_DIR file "\"\n"			\
		#sym "_end:\n"						\
		".byte 0\n"						\
		".size " #sym ", . - " #sym "\n"			\
		".popsection\n")

INCBIN(sl_asset_page, "page.html");
INCBIN(sl_asset_css, "viewer.css");
INCBIN(sl_asset_js, "viewer.js");

/* labels of the asm above, in this file: hidden, so no GOT is needed */
#define ASSET_SYMS(sym)							\
	extern const char sym[] __attribute__((visibility("hidden")));	\
	extern const char sym##_end[] __attribute__((visibility("hidden")))

ASSET_SYMS(sl_asset_page);
ASSET_SYMS(sl_asset_css);
ASSET_SYMS(sl_asset_js);

static const struct html_asset assets[] = {
	{ "page.html", sl_asset_page, sl_asset_page_end },
	{ "viewer.css", sl_asset_css, sl_asset_css_end },
	{ "viewer.js", sl_asset_js, sl_asset_js_end },
};

const struct html_asset *html_asset__find(const char *name)
{
	for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++)
		if (!strcmp(assets[i].name, name))
			return &assets[i];
	return NULL;
}
