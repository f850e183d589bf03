// SPDX-License-Identifier: GPL-2.0
/* Number and text formatting for every report form. */
#include <stdio.h>
#include <string.h>
#include "analysis/analysis_result.h"
#include "format/wait.h"
#include "report_priv.h"

const char *report_pct(char *buf, size_t n, double frac)
{
	snprintf(buf, n, "%.1f%%", frac * 100.0);
	return buf;
}

const char *report_count(char *buf, size_t n, __u64 v)
{
	if (v < 1000000ull)
		snprintf(buf, n, "%llu", (unsigned long long)v);
	else if (v < 999950000ull)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else
		snprintf(buf, n, "%.1fG", v / 1e9);
	return buf;
}

void report_wrap(FILE *f, const char *first_prefix, int indent, const char *text, int width)
{
	report_wrap_cols(f, first_prefix, (int)strlen(first_prefix), indent, text, width);
}

void report_wrap_cols(FILE *f, const char *first_prefix, int prefix_cols, int indent,
		      const char *text, int width)
{
	int col = prefix_cols, start = col;
	const char *p = text;

	fputs(first_prefix, f);
	while (*p == ' ')
		p++;
	while (*p) {
		const char *w = p, *sp = p;
		int len, gap;

		while (*w && *w != ' ')
			w++;
		len = (int)(w - p);
		/* the spaces before this word, kept as they are unless the line breaks */
		while (sp > text && sp[-1] == ' ')
			sp--;
		gap = (int)(p - sp);
		if (col > start) {
			if (col + gap + len > width) {
				fprintf(f, "\n%*s", indent, "");
				col = start = indent;
			} else {
				fprintf(f, "%*s", gap, "");
				col += gap;
			}
		}
		fwrite(p, 1, (size_t)len, f);
		col += len;
		p = w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void report_csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void report_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);	/* comm is bytes, not UTF-8: escape it */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/*
 * An anonymous file (eventfd, timerfd, signalfd, epoll) is named by its
 * struct file times a per-trace key (bpf/wait.bpf.h): its high 32 bits,
 * in hex, tell instances apart.  Older traces named them all by the one
 * anonymous inode they share.
 */
static void anon_id(char *buf, size_t n, __u64 obj)
{
	if (obj >> 32)
		snprintf(buf, n, "#%08llx", (unsigned long long)(obj >> 32));
	else
		snprintf(buf, n, "%llu", (unsigned long long)obj);
}

const char *report_wait_object(char *buf, size_t n, const struct sl_wait_row *w)
{
	bool wr = w->detail & SL_WD_WRITE;
	const char *fam = sl_socket_family_name(w->sub), *sc;
	unsigned long long obj = (unsigned long long)w->obj;
	char id[24];

	switch (w->kind) {
	case SL_WK_PIPE:
		snprintf(buf, n, "%s:[%llu] %s, %s", w->detail & SL_WD_FIFO ? "fifo" : "pipe", obj,
			 wr ? "write" : "read", wr ? "full" : "empty");
		break;
	case SL_WK_MQ:
		snprintf(buf, n, "mq:[%llu] %s, %s", obj, wr ? "send" : "receive",
			 wr ? "full" : "empty");
		break;
	case SL_WK_SYSV_MSG:
		snprintf(buf, n, "msgqueue:%llu %s, %s", obj, wr ? "send" : "receive",
			 wr ? "full" : "empty");
		break;
	case SL_WK_SOCKET:
		snprintf(buf, n, "socket:[%llu] %s%s%s %s", obj, fam ? fam : "", fam ? " " : "",
			 w->detail & SL_WD_SOCK_STREAM ? "stream" : "dgram",
			 w->detail & SL_WD_SOCK_ACCEPT ? "accept" :
			 w->detail & SL_WD_SOCK_CONNECT ? "connect" : wr ? "send" : "recv");
		break;
	case SL_WK_FUTEX:
		/*
		 * A private address means something in one process only: the
		 * processes a program forked share their layout, and each its
		 * own futex at the same address.  Then the variable holding
		 * it, where the tracer found one.
		 */
		if ((w->detail & SL_WD_FUTEX_PRIVATE) && w->scope)
			snprintf(id, sizeof(id), "private to %u", w->scope);
		else
			snprintf(id, sizeof(id), "%s",
				 w->detail & SL_WD_FUTEX_PRIVATE ? "private" : "shared");
		snprintf(buf, n, "futex:0x%llx %s%s%s%s%s", obj, id,
			 w->detail & SL_WD_FUTEX_PI ? " PI" : "", w->name[0] ? " (" : "", w->name,
			 w->name[0] ? ")" : "");
		break;
	case SL_WK_SYSV_SEM:
		snprintf(buf, n, "semaphore:%llu", obj);
		break;
	case SL_WK_CHILD:
		if ((long long)w->obj > 0)
			snprintf(buf, n, "child %lld", (long long)w->obj);
		else
			snprintf(buf, n, "any child");
		break;
	case SL_WK_SLEEP:
	case SL_WK_SIGNAL:
	case SL_WK_FAULT:
		snprintf(buf, n, "%s", sl_wait_kind_name(w->kind));
		break;
	case SL_WK_POLL:
		anon_id(id, sizeof(id), w->obj);
		if (w->obj)
			snprintf(buf, n, "epoll:[%s]", id);
		else
			snprintf(buf, n, "poll/select");
		break;
	case SL_WK_EVENTFD:
	case SL_WK_TIMERFD:
	case SL_WK_SIGNALFD:
	case SL_WK_ANON:
		anon_id(id, sizeof(id), w->obj);
		snprintf(buf, n, "%s:[%s]", sl_wait_kind_name(w->kind), id);
		break;
	case SL_WK_SYSCALL:
	case SL_WK_NONE:
		sc = sl_syscall_name(w->nr_syscall);
		if (sc)
			snprintf(buf, n, "syscall %s", sc);
		else
			snprintf(buf, n, "syscall %u", w->nr_syscall);
		break;
	case SL_WK_FILE:
	case SL_WK_TTY:
		snprintf(buf, n, "%s:[%llu] %s", sl_wait_kind_name(w->kind), obj,
			 wr ? "write" : "read");
		break;
	default:
		snprintf(buf, n, "%s:[%llu]", sl_wait_kind_name(w->kind), obj);
		break;
	}
	return buf;
}

const char *report_channel_object(char *buf, size_t n, const struct sl_channel_row *ch)
{
	/*
	 * The direction seen on it is the channel's sides, not a write of
	 * its own; a socket's connect or accept is no part of the data.
	 */
	__u8 drop = SL_WD_WRITE | (ch->kind == SL_WK_SOCKET ? SL_WD_SOCK_ACCEPT | SL_WD_SOCK_CONNECT : 0);
	struct sl_wait_row w = { .kind = ch->kind, .detail = (__u8)(ch->detail & ~drop),
				 .sub = ch->sub, .obj = ch->obj, .scope = ch->scope };
	char *end;

	memcpy(w.name, ch->name, sizeof(w.name));
	report_wait_object(buf, n, &w);
	/* a socket pair's two ends: "socket:[12]+[13] unix stream" */
	end = ch->peer ? strchr(buf, ']') : NULL;
	if (end) {
		char rest[96];
		size_t at = (size_t)(end - buf) + 1;

		snprintf(rest, sizeof(rest), "%s", buf + at);
		snprintf(buf + at, n - at, "+[%llu]%s", (unsigned long long)ch->peer, rest);
	}
	return buf;
}

const char *report_lock_object(char *buf, size_t n, const struct sl_lock_row *lk)
{
	struct sl_wait_row w = { .kind = lk->kind, .detail = lk->detail, .obj = lk->obj,
				 .scope = lk->scope };

	memcpy(w.name, lk->name, sizeof(w.name));
	return report_wait_object(buf, n, &w);
}

const char *report_behind_lock(char *buf, size_t n, const struct sl_channel_row *ch)
{
	struct sl_wait_row w = { .kind = ch->lock_kind, .detail = ch->lock_detail,
				 .obj = ch->lock_obj, .scope = ch->lock_scope };

	memcpy(w.name, ch->lock_name, sizeof(w.name));
	return report_wait_object(buf, n, &w);
}
