// SPDX-License-Identifier: GPL-2.0
/*
 * Data addresses to variable names, in this very process: a global of
 * the test binary (in .data), one in .bss, and an address in neither.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>
#include "trace/symbolize.h"

int sl_test_counted[16] = { 1 };	/* .data */
long sl_test_zeroed[8];			/* .bss */

Test(symbolize, a_global_and_its_offset)
{
	struct symbolizer *s;
	const char *name;
	__u64 off = 99;

	cr_assert_eq(symbolizer__new(&s), 0);
	name = symbolizer__data(s, (__u32)getpid(), (__u64)(unsigned long)&sl_test_counted[3], &off);
	cr_assert_not_null(name);
	cr_assert_str_eq(name, "sl_test_counted");
	cr_assert_eq(off, 3 * sizeof(int));
	name = symbolizer__data(s, (__u32)getpid(), (__u64)(unsigned long)&sl_test_zeroed[0], &off);
	cr_assert_not_null(name, "a .bss variable is found through the file's load bias");
	cr_assert_str_eq(name, "sl_test_zeroed");
	cr_assert_eq(off, 0);
	symbolizer__free(s);
}

Test(symbolize, the_heap_has_no_names)
{
	struct symbolizer *s;
	int *heap = malloc(sizeof(*heap));
	__u64 off;

	cr_assert_eq(symbolizer__new(&s), 0);
	cr_assert_null(symbolizer__data(s, (__u32)getpid(), (__u64)(unsigned long)heap, &off));
	cr_assert_null(symbolizer__data(s, 999999999u, 0x1000, &off), "no such process");
	symbolizer__free(s);
	free(heap);
}
