// SPDX-License-Identifier: GPL-2.0
/* Off-CPU stack records: joining STACK_RET to STACK, the table, the file encoding. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "format/stacks.h"
#include "format/tracefile.h"

static struct sl_event stack_ev(__u32 cpu, __u32 pid, __s32 k, __s32 u, __u64 ret0)
{
	struct sl_event e = { .ts = 100, .type = SL_EV_STACK, .cpu = (__u16)cpu, .pid = pid };

	e.stk.kstack = k;
	e.stk.ustack = u;
	e.stk.ret0 = ret0;
	return e;
}

Test(stacks, ret_joins_the_stack_of_the_same_pid_and_cpu)
{
	static struct sl_stack_asm as;
	struct sl_event r = { .ts = 100, .type = SL_EV_STACK_RET, .cpu = 1, .pid = 7 };
	struct sl_event s = stack_ev(1, 7, 3, 4, 0x1000);
	struct sl_stack_key k;

	r.stk_ret.ret[0] = 0x2000;
	r.stk_ret.ret[1] = 0x3000;
	cr_assert_eq(sl_stack_asm__feed(&as, &r, 70, &k), 0);
	cr_assert_eq(sl_stack_asm__feed(&as, &s, 70, &k), 1);
	cr_expect_eq(k.tgid, 70);
	cr_expect_eq(k.kstack, 3);
	cr_expect_eq(k.ustack, 4);
	cr_expect_eq(k.ret[0], 0x1000);
	cr_expect_eq(k.ret[1], 0x2000);
	cr_expect_eq(k.ret[2], 0x3000);
	/* used once: the next stack on that CPU has no extra returns */
	cr_assert_eq(sl_stack_asm__feed(&as, &s, 70, &k), 1);
	cr_expect_eq(k.ret[1], 0);
	/* a STACK_RET of another pid does not attach */
	r.pid = 8;
	sl_stack_asm__feed(&as, &r, 80, &k);
	cr_assert_eq(sl_stack_asm__feed(&as, &s, 70, &k), 1);
	cr_expect_eq(k.ret[1], 0);
}

Test(stacks, table_finds_what_was_added)
{
	struct sl_stacks *t;
	struct sl_stack_key k[600];

	cr_assert_eq(sl_stacks__new(&t), 0);
	for (int i = 0; i < 600; i++) {
		char frames[32];

		memset(&k[i], 0, sizeof(k[i]));
		k[i].tgid = 5;
		k[i].kstack = i;
		k[i].ustack = -14;
		snprintf(frames, sizeof(frames), "main;f%d", i);
		cr_assert_eq(sl_stacks__add(t, &k[i], frames, i & 1 ? SL_STACKF_GONE : 0), 0);
	}
	cr_expect_eq(sl_stacks__add(t, &k[3], "x", 0), -EEXIST);
	cr_expect_eq(sl_stacks__count(t), 600);
	for (int i = 0; i < 600; i++) {
		const struct sl_stack *s = sl_stacks__find(t, &k[i]);
		char want[32];

		cr_assert_not_null(s);
		snprintf(want, sizeof(want), "main;f%d", i);
		cr_expect_str_eq(s->frames, want);
		cr_expect_eq(s->flags, i & 1 ? SL_STACKF_GONE : 0u);
	}
	k[0].tgid = 6;
	cr_expect_null(sl_stacks__find(t, &k[0]));
	cr_expect_eq(sl_stacks__note_no_fp(t, "/bin/a"), 0);
	cr_expect_eq(sl_stacks__note_no_fp(t, "/bin/a"), 0);
	cr_expect_eq(sl_stacks__nr_no_fp(t), 1);
	cr_expect_str_eq(sl_stacks__no_fp(t, 0), "/bin/a");
	sl_stacks__free(t);
}

Test(stacks, records_survive_the_file_encoding)
{
	struct sl_event prev = { 0 }, out;
	struct sl_event s = stack_ev(2, 9, -14, 12345, 0x7ffd12345678ull);
	struct sl_event r = { .ts = 50, .type = SL_EV_STACK_RET, .cpu = 2, .pid = 9 };
	unsigned char buf[64];
	size_t n;

	r.stk_ret.ret[0] = 0x55550000ull;
	r.stk_ret.ret[1] = 0x7f0000001234ull;
	n = tracefile__encode(&s, &prev, buf);
	cr_assert_eq(tracefile__decode(buf, n, &prev, &out), (int)n);
	cr_expect_eq(memcmp(&out, &s, sizeof(s)), 0);
	n = tracefile__encode(&r, &prev, buf);
	cr_assert_eq(tracefile__decode(buf, n, &prev, &out), (int)n);
	cr_expect_eq(memcmp(&out, &r, sizeof(r)), 0);
}
