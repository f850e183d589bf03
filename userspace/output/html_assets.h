/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTML viewer's own files (userspace/output/html/), embedded into the
 * binary at build time with .incbin so they stay plain HTML, CSS and
 * JavaScript that editors and linters read as such.
 */
#ifndef SL_HTML_ASSETS_H
#define SL_HTML_ASSETS_H

#include <stddef.h>

struct html_asset {
	const char *name;	/* the file name, e.g. "viewer.js" */
	const char *data;	/* its bytes ... */
	const char *end;	/* ... up to here (a NUL follows) */
};

/* The asset called name, or NULL. */
const struct html_asset *html_asset__find(const char *name);

#endif
