// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

int sl_log_level = SL_LOG_WARN;

void sl_log(enum sl_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if ((int)lvl > sl_log_level)
		return;
	fputs("schedlab: ", stderr);
	if (lvl == SL_LOG_WARN)
		fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
