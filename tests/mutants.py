"""The library mutants: each is one deliberate bug in a copy of libvdso and
the test points of the pc case it must make fail (test_mutants.py builds
and runs them; test_fakes.py counts their points as tripped).  An entry is
(edits, points[, file[, case]]): the case defaults to pc; sigtramp-i386
is the i386 build of sigtramp, the one ABI here whose kernel returns
from a signal through the vDSO."""

FILE = "lib/vdso/text.c"
MUTANTS = {
    # the last text byte's successor counted in
    "end_inclusive": ([("vaddr < img->text[i].end", "vaddr <= img->text[i].end")],
                      ["pc.boundary.after"]),
    # the first text byte left out (a half-open range taken the wrong way)
    "start_exclusive": ([("vaddr >= img->text[i].start", "vaddr > img->text[i].start")],
                        ["pc.boundary.first"]),
    # symbol addresses relocated one byte past st_value: still inside the
    # text, so only the dynamic linker's witness in pc.symbol sees it
    "symbol_addr_off": ([("out->addr = img->load_offset + (uintptr_t)out->value;",
                          "out->addr = img->load_offset + (uintptr_t)out->value + 1;")],
                        ["pc.symbol.__vdso_clock_gettime", "pc.symbol.__vdso_time"], "lib/vdso/symtab.c"),
    # run-time addresses translated one byte off
    "translate_off_by_one": ([("pc < img->load_offset", "pc + 1 < img->load_offset"),
                              ("(uint64_t)(pc - img->load_offset)", "(uint64_t)(pc + 1 - img->load_offset)")],
                             ["pc.boundary.before", "pc.boundary.last"]),
    # every loaded address is vDSO text
    "always_in": ([("if (!img->loaded || pc < img->load_offset)\n\t\treturn 0;",
                    "if (img->loaded)\n\t\treturn 1;")],
                  ["pc.outside.main", "pc.outside.libc", "pc.outside.heap", "pc.outside.stack",
                   "pc.sample.time", "pc.sample.getcpu"]),
    # a resolver that keeps using AT_SYSINFO_EHDR after the vDSO moved
    # (what broke Go programs restored by CRIU)
    "stale_base": ([("img->load_offset = (uintptr_t)addr + (uintptr_t)img->loads[0].offset -",
                     "img->load_offset = (uintptr_t)getauxval(AT_SYSINFO_EHDR) + (uintptr_t)img->loads[0].offset -")],
                   ["pc.mremap"], "lib/vdso/open_mapped.c"),
    # the same, seen by the signal trampolines: the kernel returns to the
    # symbol's true address, one byte before what the resolver says
    "sigtramp_addr_off": ([("out->addr = img->load_offset + (uintptr_t)out->value;",
                            "out->addr = img->load_offset + (uintptr_t)out->value + 1;")],
                          ["sigtramp.used.__kernel_rt_sigreturn", "sigtramp.used.__kernel_sigreturn"],
                          "lib/vdso/symtab.c", "sigtramp-i386"),
    # Go's inVDSOPage: only the first page of the text
    "one_page": ([("img->text[img->ntext].end = s->vaddr + s->memsz;",
                   "img->text[img->ntext].end = s->vaddr + (s->memsz < 4096 ? s->memsz : 4096);")],
                 ["pc.maps"]),
}
