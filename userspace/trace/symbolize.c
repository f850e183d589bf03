// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "symbolize.h"

#define MAX_SYMS	(4u << 20)	/* per file, and for the kernel */
#define MAX_MAPS	65536		/* executable mappings per process */
#define MAX_PROCS	4096		/* processes whose mappings are kept */
#define MAX_FILES	1024		/* ELF files kept open */
#define LINE_MAX_LEN	(PATH_MAX + 256)
#define PROLOGUE_BYTES	20		/* searched for the frame set-up */

struct sym {
	__u64 addr, size;
	const char *name;
};

struct symtab {
	struct sym *syms;
	size_t n, cap;
	char **names;		/* owned strings */
	size_t nr_names, names_cap;
};

struct segment {
	__u64 offset, vaddr, filesz, memsz;
};

struct elf_file {
	char *path;
	bool ok;
	struct symtab tab;
	struct symtab data;	/* sized objects: variables */
	struct segment *segs;
	size_t nr_segs;
	int fp;			/* symbolizer__frame_pointers, 2 = not yet known */
};

struct mapping {
	__u64 start, end, offset;
	struct elf_file *file;
};

struct proc_maps {
	__u32 tgid;
	bool gone;
	bool reread;		/* read again once for an address not mapped */
	struct mapping *maps;
	size_t n;
	struct elf_file *exe;
};

struct symbolizer {
	bool kernel_loaded;
	struct symtab kernel;
	struct elf_file *files[MAX_FILES];
	size_t nr_files;
	struct proc_maps *procs[MAX_PROCS];
	size_t nr_procs;
};

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int symtab_add(struct symtab *t, __u64 addr, __u64 size, const char *name)
{
	char *copy;

	if (t->n == MAX_SYMS)
		return -E2BIG;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct sym *n = realloc(t->syms, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->syms = n;
		t->cap = cap;
	}
	if (t->nr_names == t->names_cap) {
		size_t cap = t->names_cap ? t->names_cap * 2 : 1024;
		char **n = realloc(t->names, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->names = n;
		t->names_cap = cap;
	}
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	t->names[t->nr_names++] = copy;
	t->syms[t->n++] = (struct sym){ addr, size, copy };
	return 0;
}

static void symtab_free(struct symtab *t)
{
	for (size_t i = 0; i < t->nr_names; i++)
		free(t->names[i]);
	free(t->names);
	free(t->syms);
	memset(t, 0, sizeof(*t));
}

/* How many symbols start at or before addr (they are sorted). */
static size_t symtab_upto(const struct symtab *t, __u64 addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The sized symbol covering addr, or NULL. */
static const struct sym *symtab_covering(const struct symtab *t, __u64 addr)
{
	size_t lo = symtab_upto(t, addr);

	for (size_t i = lo; i-- > 0 && t->syms[i].addr == t->syms[lo - 1].addr;)
		if (addr < t->syms[i].addr + t->syms[i].size)
			return &t->syms[i];
	return NULL;
}

/* The symbol at or before addr; a sized symbol must also cover it. */
static const char *symtab_find(const struct symtab *t, __u64 addr)
{
	size_t lo = symtab_upto(t, addr);

	if (!lo)
		return NULL;
	/* among equal addresses prefer one whose size covers addr */
	for (size_t i = lo; i-- > 0 && t->syms[i].addr == t->syms[lo - 1].addr;)
		if (!t->syms[i].size || addr < t->syms[i].addr + t->syms[i].size)
			return t->syms[i].name;
	return NULL;
}

int symbolizer__new(struct symbolizer **out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void elf_file_free(struct elf_file *f)
{
	if (!f)
		return;
	symtab_free(&f->tab);
	symtab_free(&f->data);
	free(f->segs);
	free(f->path);
	free(f);
}

static void proc_free(struct proc_maps *p)
{
	if (!p)
		return;
	free(p->maps);
	free(p);
}

void symbolizer__free(struct symbolizer *s)
{
	if (!s)
		return;
	symtab_free(&s->kernel);
	for (size_t i = 0; i < s->nr_files; i++)
		elf_file_free(s->files[i]);
	for (size_t i = 0; i < s->nr_procs; i++)
		proc_free(s->procs[i]);
	free(s);
}

/* ---- kernel ---- */

static void load_kallsyms(struct symbolizer *s)
{
	char line[512];
	FILE *f;

	s->kernel_loaded = true;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[256], type;
		unsigned long long addr;

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (symtab_add(&s->kernel, addr, 0, name))
			break;
	}
	fclose(f);
	qsort(s->kernel.syms, s->kernel.n, sizeof(struct sym), sym_cmp);
}

const char *symbolizer__kernel(struct symbolizer *s, __u64 ip)
{
	if (!s->kernel_loaded)
		load_kallsyms(s);
	return symtab_find(&s->kernel, ip);
}

/* ---- ELF files ---- */

static void read_symbols(Elf *elf, struct elf_file *f)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			int type;

			if (!gelf_getsym(d, (int)i, &sym))
				break;
			type = GELF_ST_TYPE(sym.st_info);
			if (!sym.st_value || sym.st_shndx == SHN_UNDEF ||
			    (type == STT_OBJECT && !sym.st_size))
				continue;
			if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			symtab_add(type == STT_OBJECT ? &f->data : &f->tab, sym.st_value, sym.st_size,
				   name);
		}
	}
	if (f->tab.n)
		qsort(f->tab.syms, f->tab.n, sizeof(struct sym), sym_cmp);
	if (f->data.n)
		qsort(f->data.syms, f->data.n, sizeof(struct sym), sym_cmp);
}

static void read_segments(Elf *elf, struct elf_file *f)
{
	size_t n;

	if (elf_getphdrnum(elf, &n) || !n || n > 4096)
		return;
	f->segs = calloc(n, sizeof(*f->segs));
	if (!f->segs)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		f->segs[f->nr_segs++] = (struct segment){ ph.p_offset, ph.p_vaddr, ph.p_filesz,
							  ph.p_memsz };
	}
}

/*
 * Frame pointers are kept when most functions open with push %rbp and set
 * %rbp from %rsp within their first instructions (gcc schedules others in
 * between; an endbr64 may come first).  Without frame pointers %rbp is an
 * ordinary callee-saved register: pushed, never set from %rsp.  The C
 * runtime's own start files never set it up, so they are not counted.
 */
static int check_frame_pointers(Elf *elf, const struct elf_file *f)
{
	static const char *const crt[] = {
		"_start", "_init", "_fini", "deregister_tm_clones", "register_tm_clones",
		"__do_global_dtors_aux", "frame_dummy", "_dl_relocate_static_pie", NULL,
	};
	static const unsigned char mov_rsp_rbp[] = { 0x48, 0x89, 0xe5 };
	static const unsigned char endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	size_t with = 0, total = 0;

	for (size_t i = 0; i < f->tab.n; i++) {
		const struct sym *sy = &f->tab.syms[i];
		Elf_Scn *scn = NULL;
		bool skip = sy->size < PROLOGUE_BYTES;

		for (int c = 0; !skip && crt[c]; c++)
			skip = !strcmp(sy->name, crt[c]);
		if (skip || (i && f->tab.syms[i - 1].addr == sy->addr))
			continue;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *d;
			const unsigned char *p;
			__u64 off;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
			    !(sh.sh_flags & SHF_EXECINSTR) || sy->addr < sh.sh_addr ||
			    sy->addr >= sh.sh_addr + sh.sh_size)
				continue;
			d = elf_getdata(scn, NULL);
			off = sy->addr - sh.sh_addr;
			if (!d || !d->d_buf || off + PROLOGUE_BYTES > d->d_size)
				break;
			p = (const unsigned char *)d->d_buf + off;
			if (!memcmp(p, endbr, 4))
				p += 4;
			total++;
			with += p[0] == 0x55 && memmem(p + 1, PROLOGUE_BYTES - 5, mov_rsp_rbp, 3);
			break;
		}
	}
	if (!total)
		return -ENOENT;
	return with * 2 >= total;
}

/* Opens path as process tgid sees it (through its root, for containers); -1 if it cannot. */
static int open_elf(__u32 tgid, const char *path, Elf **elf)
{
	char full[PATH_MAX + 32];
	int fd;

	snprintf(full, sizeof(full), "/proc/%u/root%s", tgid, path);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		elf_end(*elf);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Reads path's segments and symbols once.  Whether it keeps frame
 * pointers is left to symbolizer__frame_pointers(), which only the stacks
 * ask: looking at every function's first bytes is the costly part, and a
 * futex's name needs none of it.
 */
static struct elf_file *elf_file_get(struct symbolizer *s, __u32 tgid, const char *path)
{
	struct elf_file *f;
	Elf *elf = NULL;
	int fd;

	for (size_t i = 0; i < s->nr_files; i++)
		if (!strcmp(s->files[i]->path, path))
			return s->files[i];
	if (s->nr_files == MAX_FILES)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return NULL;
	}
	f->fp = 2;
	fd = open_elf(tgid, path, &elf);
	if (fd >= 0) {
		read_segments(elf, f);
		read_symbols(elf, f);
		f->ok = true;
		elf_end(elf);
		close(fd);
	}
	s->files[s->nr_files++] = f;
	return f;
}

/* ---- process mappings ---- */

static int read_maps(struct symbolizer *s, struct proc_maps *p)
{
	char path[64], exe[PATH_MAX], *line;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/exe", p->tgid);
	len = readlink(path, exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/maps", p->tgid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	line = malloc(LINE_MAX_LEN);
	if (!line) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, LINE_MAX_LEN, f)) {
		unsigned long long start, end, off;
		char perms[8];
		int n = 0;
		char *file;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &n) < 4 ||
		    !n || !strchr(perms, 'x'))
			continue;
		file = line + n;
		file[strcspn(file, "\n")] = '\0';
		if (file[0] != '/')
			continue;
		if (p->n == cap) {
			struct mapping *m;

			if (cap == MAX_MAPS)
				break;
			cap = cap ? cap * 2 : 64;
			m = realloc(p->maps, cap * sizeof(*m));
			if (!m)
				break;
			p->maps = m;
		}
		p->maps[p->n] = (struct mapping){ start, end, off, elf_file_get(s, p->tgid, file) };
		if (p->maps[p->n].file && !strcmp(file, exe))
			p->exe = p->maps[p->n].file;
		p->n++;
	}
	free(line);
	fclose(f);
	return 0;
}

static struct proc_maps *proc_get(struct symbolizer *s, __u32 tgid)
{
	struct proc_maps *p;

	for (size_t i = 0; i < s->nr_procs; i++)
		if (s->procs[i]->tgid == tgid)
			return s->procs[i];
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tgid = tgid;
	p->gone = read_maps(s, p) != 0;
	if (s->nr_procs == MAX_PROCS) {
		/* the oldest goes; it is read again if it shows up */
		proc_free(s->procs[0]);
		memmove(s->procs, s->procs + 1, (MAX_PROCS - 1) * sizeof(s->procs[0]));
		s->nr_procs--;
	}
	s->procs[s->nr_procs++] = p;
	return p;
}

void symbolizer__prefetch(struct symbolizer *s, __u32 tgid)
{
	proc_get(s, tgid);
}

void symbolizer__forget(struct symbolizer *s, __u32 tgid)
{
	for (size_t i = 0; i < s->nr_procs; i++) {
		if (s->procs[i]->tgid != tgid)
			continue;
		proc_free(s->procs[i]);
		s->procs[i] = s->procs[--s->nr_procs];
		return;
	}
}

static const struct mapping *find_mapping(const struct proc_maps *p, __u64 ip)
{
	for (size_t i = 0; i < p->n; i++)
		if (ip >= p->maps[i].start && ip < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

const char *symbolizer__user(struct symbolizer *s, __u32 tgid, __u64 ip, const char **file,
			     int *err)
{
	struct proc_maps *p = proc_get(s, tgid);
	const struct mapping *m;
	__u64 off;

	*file = NULL;
	*err = 0;
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	m = find_mapping(p, ip);
	if (!m && !p->gone && !p->reread) {
		/* mapped since we looked (dlopen): look again, once */
		symbolizer__forget(s, tgid);
		p = proc_get(s, tgid);
		if (p)
			p->reread = true;
		m = p ? find_mapping(p, ip) : NULL;
	}
	if (!p || p->gone) {
		*err = -ESRCH;
		return NULL;
	}
	if (!m || !m->file)
		return NULL;
	*file = m->file->path;
	off = ip - m->start + m->offset;
	for (size_t i = 0; i < m->file->nr_segs; i++) {
		const struct segment *sg = &m->file->segs[i];

		if (off >= sg->offset && off < sg->offset + sg->filesz)
			return symtab_find(&m->file->tab, off - sg->offset + sg->vaddr);
	}
	return NULL;
}

int symbolizer__frame_pointers(struct symbolizer *s, __u32 tgid, const char **exe)
{
	struct proc_maps *p = proc_get(s, tgid);

	*exe = NULL;
	if (!p || p->gone || !p->exe)
		return -ESRCH;
	*exe = p->exe->path;
	if (p->exe->fp == 2) {
		Elf *elf = NULL;
		int fd = open_elf(tgid, p->exe->path, &elf);

		if (fd < 0)
			return -ENOENT;
		p->exe->fp = check_frame_pointers(elf, p->exe);
		elf_end(elf);
		close(fd);
	}
	return p->exe->fp;
}

/*
 * A variable at addr in process tgid: the sized data symbol of a mapped
 * file that covers it, found through the load bias of the file's code
 * mapping (so .bss, mapped without the file, is found too).
 */
const char *symbolizer__data(struct symbolizer *s, __u32 tgid, __u64 addr, __u64 *off)
{
	struct proc_maps *p = proc_get(s, tgid);

	*off = 0;
	if (!p || p->gone)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct mapping *m = &p->maps[i];
		const struct elf_file *f = m->file;
		__u64 bias = 0, v;
		bool found = false;

		if (!f || !f->data.n)
			continue;
		for (size_t k = 0; k < f->nr_segs && !found; k++) {
			const struct segment *sg = &f->segs[k];

			if (m->offset >= sg->offset && m->offset < sg->offset + sg->filesz) {
				bias = m->start - (m->offset - sg->offset + sg->vaddr);
				found = true;
			}
		}
		if (!found || addr < bias)
			continue;
		v = addr - bias;
		for (size_t k = 0; k < f->nr_segs; k++) {
			const struct segment *sg = &f->segs[k];
			const struct sym *sy;

			if (v < sg->vaddr || v >= sg->vaddr + sg->memsz)
				continue;
			sy = symtab_covering(&f->data, v);
			if (!sy)
				return NULL;
			*off = v - sy->addr;
			return sy->name;
		}
	}
	return NULL;
}
