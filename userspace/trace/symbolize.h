/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses to function names: the kernel's from /proc/kallsyms, a
 * process's (and to variable names, its data addresses') from the ELF
 * symbol tables of the files it has mapped, located
 * through /proc/PID/maps while the process lives (PIE and ASLR: the file
 * offset of an address is found from its mapping, then the segment that
 * holds it).  Every file read is bounded.
 */
#ifndef SL_SYMBOLIZE_H
#define SL_SYMBOLIZE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

struct symbolizer;

int  symbolizer__new(struct symbolizer **out);
void symbolizer__free(struct symbolizer *s);	/* accepts NULL */

/* The kernel function holding ip, or NULL. */
const char *symbolizer__kernel(struct symbolizer *s, __u64 ip);

/*
 * The function holding ip in process tgid as mapped now, or NULL; the
 * mapped file's name in *file when it is known (may be set when the name
 * is not).  -ESRCH in *err when the process is gone.
 */
const char *symbolizer__user(struct symbolizer *s, __u32 tgid, __u64 ip, const char **file,
			     int *err);

/*
 * Whether tgid's executable keeps frame pointers (most of its functions
 * begin by pushing and setting up %rbp): 1 yes, 0 no, -errno unknown.
 * The executable's path goes to *exe (owned by s).
 */
int symbolizer__frame_pointers(struct symbolizer *s, __u32 tgid, const char **exe);

/*
 * The variable holding addr in process tgid as mapped now (a global or
 * static of a mapped ELF file, its symbol table's sized object), or NULL;
 * addr's offset into it in *off.
 */
const char *symbolizer__data(struct symbolizer *s, __u32 tgid, __u64 addr, __u64 *off);

/* Reads tgid's mappings now, if they are not known yet. */
void symbolizer__prefetch(struct symbolizer *s, __u32 tgid);
/* tgid's mappings changed (exec): read them again when next needed. */
void symbolizer__forget(struct symbolizer *s, __u32 tgid);

#endif
