/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names for what the probes say tasks wait on (enum sl_wait_kind) and for
 * the syscalls they classify: one table each, used by every output.
 */
#ifndef SL_FORMAT_WAIT_H
#define SL_FORMAT_WAIT_H

#include <linux/types.h>
#include "schedlab.h"

/* "pipe", "socket", "futex", ...; "unknown" beyond the table. */
const char *sl_wait_kind_name(unsigned int kind);
/*
 * The x86_64 name of a syscall the probes record ("read", "futex"), or
 * NULL for one this table does not hold: callers print the number.
 */
const char *sl_syscall_name(unsigned int nr);
/* "unix", "inet", "inet6", "netlink", or NULL: a socket's address family. */
const char *sl_socket_family_name(unsigned int family);

#endif
