// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include "check.h"
#include "util/log.h"
#include "tracer.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

const char *check__privileges(void)
{
	if (geteuid() == 0 || has_cap(CAP_SYS_ADMIN) || (has_cap(CAP_BPF) && has_cap(CAP_PERFMON)))
		return NULL;
	return "tracing needs root (or CAP_BPF and CAP_PERFMON): run schedlab as root";
}

static void line(FILE *f, const char *what, bool ok, const char *detail)
{
	fprintf(f, "%-14s %-4s %s\n", what, ok ? "yes" : "NO", detail);
}

int check__run(FILE *f)
{
	const char *priv = check__privileges();
	bool btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	bool uprobe = access("/sys/bus/event_source/devices/uprobe/type", R_OK) == 0;
	bool tp_btf = false, raw_tp = false;
	char detail[160];
	struct tracer *t;
	int saved = sl_log_level;

	line(f, "privileges", !priv, priv ? priv : "root or CAP_BPF+CAP_PERFMON");
	line(f, "BTF", btf, btf ? "/sys/kernel/btf/vmlinux" :
	     "no /sys/kernel/btf/vmlinux: a kernel built with CONFIG_DEBUG_INFO_BTF=y is needed");
	if (!priv) {
		struct tracer_opts o = { .mode = TRACER_TP_BTF, .ring_bytes = 1 << 16 };

		/* Loading is the only honest test: failures are expected here. */
		sl_log_level = -1;
		tp_btf = tracer__open(&o, &t) == 0;
		if (tp_btf)
			tracer__destroy(t);
		o.mode = TRACER_RAW_TP;
		raw_tp = tracer__open(&o, &t) == 0;
		if (raw_tp)
			tracer__destroy(t);
		sl_log_level = saved;
	}
	line(f, "tp_btf", tp_btf, tp_btf ? "scheduler probes load as tp_btf" :
	     priv ? "not tried without privileges" : "tp_btf programs do not load");
	line(f, "raw_tp", raw_tp, raw_tp ? "scheduler probes load as raw_tp (fallback)" :
	     priv ? "not tried without privileges" : "raw_tp programs do not load");
	/* schedlab's own queue events need none: the workload logs them itself */
	snprintf(detail, sizeof(detail), "%s", uprobe ?
		 "external tools can attach the workload's USDT probes" :
		 "no uprobe PMU: external tools cannot attach USDT probes (schedlab does not need them)");
	line(f, "uprobes", uprobe, detail);

	if (!priv && (tp_btf || raw_tp)) {
		fprintf(f, "tracing works here (%s)\n", tp_btf ? "tp_btf" : "raw_tp");
		return 0;
	}
	fprintf(f, "tracing does not work here: %s\n",
		priv ? priv : !btf ? "kernel BTF is missing" : "the probes do not load");
	return 1;
}
