/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage util/: what every stage may use and none owns: diagnostics
 * (this file), counts and durations as text (units.h), the key -> index
 * map (idmap.h), output files created safely (outfile.h).  Must not: know any other stage (it includes none), hold
 * state beyond the log level, or know what a trace, a task or a report is.
 *
 * Diagnostics to stderr, one line each, with levels.  Data never goes here.
 */
#ifndef SL_LOG_H
#define SL_LOG_H

enum sl_log_level { SL_LOG_ERROR = 0, SL_LOG_WARN, SL_LOG_INFO, SL_LOG_DEBUG, SL_LOG_LIBBPF };

extern int sl_log_level;

void sl_log(enum sl_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)   sl_log(SL_LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  sl_log(SL_LOG_WARN, __VA_ARGS__)
#define pr_info(...)  sl_log(SL_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) sl_log(SL_LOG_DEBUG, __VA_ARGS__)

#endif
