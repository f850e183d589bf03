// SPDX-License-Identifier: GPL-2.0
/* The key -> index map behind every pid lookup. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "util/idmap.h"

static struct idmap m;

static void teardown(void)
{
	idmap__free(&m);
}

TestSuite(idmap, .fini = teardown);

Test(idmap, empty_map_finds_nothing)
{
	cr_assert_eq(idmap__get(&m, 0), IDMAP_NONE);
	cr_assert_eq(idmap__get(&m, 42), IDMAP_NONE);
}

Test(idmap, every_key_survives_growth)
{
	/* pids that collide in the low bits, and key 0 */
	for (__u32 i = 0; i < 100000; i++)
		cr_assert_eq(idmap__put(&m, (__u64)i << 12, i), 0);
	cr_assert_eq(m.n, 100000);
	cr_assert_leq((__u64)m.n * 2, (__u64)m.mask + 1, "at most half full");
	for (__u32 i = 0; i < 100000; i++)
		cr_assert_eq(idmap__get(&m, (__u64)i << 12), i, "key %u", i);
	cr_assert_eq(idmap__get(&m, 1), IDMAP_NONE);
	cr_assert_eq(idmap__get(&m, (__u64)100000 << 12), IDMAP_NONE);
}

Test(idmap, a_put_replaces_the_index)
{
	cr_assert_eq(idmap__put(&m, 7, 1), 0);
	cr_assert_eq(idmap__put(&m, 7, 5), 0);
	cr_assert_eq(idmap__get(&m, 7), 5, "a recycled pid names its newest row");
	cr_assert_eq(m.n, 1);
}

Test(idmap, pairs_as_keys)
{
	cr_assert_eq(idmap__put(&m, (__u64)1 << 32 | 2, 0), 0);
	cr_assert_eq(idmap__put(&m, (__u64)2 << 32 | 1, 1), 0);
	cr_assert_eq(idmap__put(&m, (__u64)0xffffffffu << 32 | 1, 2), 0);
	cr_assert_eq(idmap__get(&m, (__u64)1 << 32 | 2), 0);
	cr_assert_eq(idmap__get(&m, (__u64)2 << 32 | 1), 1);
	cr_assert_eq(idmap__get(&m, (__u64)0xffffffffu << 32 | 1), 2);
}

Test(idmap, the_none_index_is_refused)
{
	cr_assert_eq(idmap__put(&m, 3, IDMAP_NONE), -EINVAL);
	cr_assert_eq(idmap__get(&m, 3), IDMAP_NONE);
}
