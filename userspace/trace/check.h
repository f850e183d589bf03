/* SPDX-License-Identifier: GPL-2.0 */
/* Can this machine trace?  Each requirement checked on its own. */
#ifndef SL_CHECK_H
#define SL_CHECK_H

#include <stdbool.h>
#include <stdio.h>

/* One line naming what is missing for tracing, or NULL if privileges suffice. */
const char *check__privileges(void);
/* Prints every check to f; returns 0 when tracing works here, 1 otherwise. */
int check__run(FILE *f);

#endif
