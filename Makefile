# vdsoconf: a Linux vDSO conformance suite.  Everything builds into build/.
# `make run` checks the running kernel; `make test` checks the suite itself.

B        ?= build
CC       ?= cc
PYTHON   ?= /usr/bin/python3
CLANG    ?= clang-14
KSFT_DIR ?=

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes
CSTD     := -std=c11 -D_GNU_SOURCE
# CPPFLAGS, CFLAGS and LDFLAGS are the builder's: a distribution's
# hardening flags (dpkg-buildflags: fortify, stack protector, relro, now)
# reach every object, case and program the packages ship
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CPPFLAGS) $(CFLAGS) -Ilib -MMD -MP
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

comma := ,

.PHONY: all nolibc-all nolibc-fakes asan run run_tests test bench fuzz fixtures lint-fixtures fakes \
	install install-lib install-bin man shlib test-deb clean deps deps-test deps-qemu deps-deb \
	deps-lava test-lava cross-armhf test-cross \
	test-distro test-kernels bench-kernels $(GUEST_ARCHES:%=guest-%)

# --- sources, by layer -------------------------------------------------------
# lib/vdso: the resolver (libvdso, what install-lib installs); lib/expect:
# what each architecture's vDSO should export; lib/case: the case framework;
# lib/vdsotool: the tool, as a library (bench and fuzz link it) and a main.
VDSO_SRCS   := $(wildcard lib/vdso/*.c)
EXPECT_SRCS := $(wildcard lib/expect/*.c)
CASEFW_SRCS := $(wildcard lib/case/*.c)
TOOL_SRCS   := $(filter-out lib/vdsotool/main.c,$(wildcard lib/vdsotool/*.c))
HEADERS     := $(wildcard lib/*/*.h)
CASE_NAMES  := $(patsubst cases/%.c,%,$(wildcard cases/*.c))

# extract decodes kernel payloads with Debian's compression libraries;
# only the tool links them, libvdso stays dependency-free
TOOL_LIBS := -lz -llzma -lbz2 -lzstd -llz4

# Cases see KSFT_DIR first, so that they build against the kernel's own
# kselftest.h when it is given; case.h includes it as <kselftest.h>.
CASE_INC := $(if $(KSFT_DIR),-I$(KSFT_DIR)) -Ilib -Ilib/case

# The same cases as 32-bit i386 programs (linux-gate.so.1, clock_gettime64,
# __kernel_vsyscall), where the compiler can link -m32 (Debian's
# libc6-dev-i386 and lib32gcc-12-dev; gcc-multilib itself is not needed),
# and as x32 programs (libc6-dev-x32; a kernel without CONFIG_X86_X32_ABI
# refuses to execute them, which the runner reports as a skip).  Debian
# keeps the bi-arch <asm/*.h> only under the 64-bit multiarch directory
# (gcc-multilib would add a link to it): search it last.
MULTIARCH := -idirafter /usr/include/$(shell $(CC) -print-multiarch 2>/dev/null)
M32_FLAGS := -m32 $(MULTIARCH)
X32_FLAGS := -mx32 $(MULTIARCH)
can_link   = $(shell echo 'int main(void){return 0;}' | $(CC) $(1) -x c - -o /dev/null 2>/dev/null && echo y)
HAVE_M32  := $(call can_link,-m32)
HAVE_MX32 := $(call can_link,-mx32)

# glibc warns that a static dlopen needs its shared libraries at run time;
# the cases only dlopen fake targets, which a guest has none of.  The filter
# hides the compiler's exit status, so the new program's existence is the test.
STATIC_QUIET := 2>&1 | { grep -v -e "Using 'dlopen' in statically linked" -e ": in function" >&2 || true; }

# --- one build per ABI -------------------------------------------------------
# abi(NAME, CC, FLAGS, CASEDIR, SUFFIX, LINKFLAGS): the libraries compiled by
# CC with FLAGS into $(B)/NAME, and every case linked from them as
# CASEDIR/CASE-SUFFIX.  Dependency files are named from the object lists, so
# nothing under $(B) is searched when make starts.
define abi
$(B)/$(1)/obj/%.o: %.c
	@mkdir -p $$(@D)
	$(2) $$(ALL_CFLAGS) $(3) -c $$< -o $$@

$(B)/$(1)/libvdso.a: $$(VDSO_SRCS:%.c=$(B)/$(1)/obj/%.o)
$(B)/$(1)/libexpect.a: $$(EXPECT_SRCS:%.c=$(B)/$(1)/obj/%.o)
$(B)/$(1)/libcase.a: $$(CASEFW_SRCS:%.c=$(B)/$(1)/obj/%.o)
$(B)/$(1)/libvdsotool.a: $$(TOOL_SRCS:%.c=$(B)/$(1)/obj/%.o)

$(4)/%$(5): cases/%.c $(B)/$(1)/libcase.a $(B)/$(1)/libexpect.a $(B)/$(1)/libvdso.a $$(HEADERS)
	@mkdir -p $$(@D)
	@rm -f $$@
	$(2) $$(CSTD) $$(WARN) $$(CPPFLAGS) $$(CFLAGS) $(3) $$(CASE_INC) $$(LDFLAGS) $(6) -o $$@ $$< \
		$(B)/$(1)/libcase.a $(B)/$(1)/libexpect.a $(B)/$(1)/libvdso.a -ldl -lpthread \
		$(if $(findstring -static,$(6)),$$(STATIC_QUIET))
	@test -x $$@

DEPFILES += $$(patsubst %.c,$(B)/$(1)/obj/%.d,$$(VDSO_SRCS) $$(EXPECT_SRCS) $$(CASEFW_SRCS) $$(TOOL_SRCS) lib/vdsotool/main.c)
endef

$(B)/%.a:
	@rm -f $@
	$(AR) rcs $@ $^

$(eval $(call abi,native,$(CC),,$(B)/cases,,))
$(eval $(call abi,m32,$(CC),$(M32_FLAGS),$(B)/cases,-i386,))
$(eval $(call abi,x32,$(CC),$(X32_FLAGS),$(B)/cases,-x32,))
$(eval $(call abi,asan,$(CC),$(SAN),$(B)/asan/cases,,))
# position-independent objects for libvdso.so (no cases are built from them)
$(eval $(call abi,pic,$(CC),-fPIC,$(B)/pic/cases,,))
$(eval $(call abi,fuzz,$(CLANG),-O1 -fsanitize=fuzzer-no-link$(comma)address$(comma)undefined -fno-sanitize-recover=all,$(B)/fuzz/cases,,))
# the guests' initramfs has no libc: static cases for each guest
# architecture, named as QEMU names it (qemu-system-ARCH; ppc64 is
# little-endian, Debian's ppc64el), each built by its Debian cross compiler
AARCH64_CC ?= aarch64-linux-gnu-gcc
ARMHF_CC   ?= arm-linux-gnueabihf-gcc
GUEST_ARCHES := x86_64 aarch64 arm i386 ppc64 s390x riscv64 mips64el loongarch64
GUEST_CC_x86_64      := $(CC)
GUEST_CC_aarch64     := $(AARCH64_CC)
GUEST_CC_arm         := $(ARMHF_CC)
GUEST_CC_i386        ?= i686-linux-gnu-gcc
GUEST_CC_ppc64       ?= powerpc64le-linux-gnu-gcc
GUEST_CC_s390x       ?= s390x-linux-gnu-gcc
GUEST_CC_riscv64     ?= riscv64-linux-gnu-gcc
GUEST_CC_mips64el    ?= mips64el-linux-gnuabi64-gcc
GUEST_CC_loongarch64 ?= loongarch64-linux-gnu-gcc
HAVE_LOONG64_CC := $(shell command -v $(GUEST_CC_loongarch64) 2>/dev/null)
$(eval $(call abi,static-x86_64/native,$(CC),,$(B)/static-x86_64/cases,,-static))
$(eval $(call abi,static-x86_64/i386,$(CC),$(M32_FLAGS),$(B)/static-x86_64/cases,-i386,-static))
$(eval $(call abi,static-x86_64/x32,$(CC),$(X32_FLAGS),$(B)/static-x86_64/cases,-x32,-static))
$(foreach a,$(filter-out x86_64,$(GUEST_ARCHES)),\
	$(eval $(call abi,static-$(a)/native,$(GUEST_CC_$(a)),,$(B)/static-$(a)/cases,,-static)))
# a cross build's archives are indexed by its own binutils' ar (the
# machine's ar may not know the object format)
$(foreach a,$(filter-out x86_64,$(GUEST_ARCHES)),\
	$(eval $(B)/static-$(a)/%.a: AR := $(patsubst %gcc,%ar,$(GUEST_CC_$(a)))))

# Cases linked against the cross libc (libc6-dev-*-cross), to run under
# qemu-user with QEMU_LD_PREFIX=/usr/TRIPLET: `make user-ppc64le`, ...  They
# meet no vDSO there (Debian 12's QEMU maps none) and are run against fake
# targets built for the same ABI (mkfakes.py --abi ppc64le).
USER_ARCHES := ppc64le s390x riscv64 mips64el aarch64
USER_CC_ppc64le := powerpc64le-linux-gnu-gcc
USER_CC_s390x := s390x-linux-gnu-gcc
USER_CC_riscv64 := riscv64-linux-gnu-gcc
USER_CC_mips64el := mips64el-linux-gnuabi64-gcc
USER_CC_aarch64 := $(AARCH64_CC)
$(foreach a,$(USER_ARCHES),$(eval $(call abi,user-$(a),$(USER_CC_$(a)),,$(B)/user-$(a)/cases,,)))
$(foreach a,$(USER_ARCHES),$(eval user-$(a): $(CASE_NAMES:%=$(B)/user-$(a)/cases/%)))
.PHONY: $(USER_ARCHES:%=user-%)

CASES     := $(CASE_NAMES:%=$(B)/cases/%)
CASES_M32 := $(if $(HAVE_M32),$(CASE_NAMES:%=$(B)/cases/%-i386))
CASES_X32 := $(if $(HAVE_MX32),$(CASE_NAMES:%=$(B)/cases/%-x32))

all: $(B)/native/libvdso.a $(B)/vdsotool $(CASES) $(CASES_M32) $(CASES_X32)

# --- nolibc: one case without any C library, for every architecture ---------
# cases/nolibc is freestanding: its own _start and system calls, the parse
# and lookup steps of libvdso compiled along (no stdio, no malloc), no
# header of any C library (-nostdinc: the compiler's own stddef.h/stdint.h
# and cases/nolibc/include), linked -nostdlib -static with libgcc only.
# $(B)/nolibc/ARCH/nolibc per architecture (`make nolibc-all`); the
# machine's own, i386 and x32 are also cases under $(B)/cases.  Debian 12
# has no loongarch64 cross compiler: $(B)/nolibc/loongarch64/nolibc is
# made by guest-loongarch64, in its chroot, and is not part of nolibc-all.
NOLIBC_ARCHES := x86_64 i386 x32 aarch64 arm s390x ppc64le riscv64 mips64el
NOLIBC_CC_x86_64   := $(CC)
NOLIBC_CC_i386     := $(CC)
NOLIBC_CC_x32      := $(CC)
NOLIBC_CC_aarch64  := $(AARCH64_CC)
NOLIBC_CC_arm      := $(ARMHF_CC)
NOLIBC_CC_s390x    := s390x-linux-gnu-gcc
NOLIBC_CC_ppc64le  := powerpc64le-linux-gnu-gcc
NOLIBC_CC_riscv64  := riscv64-linux-gnu-gcc
NOLIBC_CC_mips64el := mips64el-linux-gnuabi64-gcc
NOLIBC_CC_loongarch64 := $(GUEST_CC_loongarch64)
NOLIBC_FLAGS_i386  := -m32
NOLIBC_FLAGS_x32   := -mx32
# in Thumb code r7 is the frame pointer, and it carries the call number
NOLIBC_FLAGS_arm   := -marm
NOLIBC_VDSO := bounds parse headers text dynamic symtab hash version relocs notes lookup sections open_mapped
NOLIBC_SRCS := $(wildcard cases/nolibc/*.c) $(NOLIBC_VDSO:%=lib/vdso/%.c)
NOLIBC_DEPS := $(NOLIBC_SRCS) $(wildcard cases/nolibc/*.h cases/nolibc/include/*.h) $(HEADERS)
# no stack protector (no canary was set up), no PIE (nothing relocates
# the program), no unwind tables (nothing unwinds), and no loops turned
# into calls of the memcpy/memset that rt.c defines with such loops
NOLIBC_CFLAGS := $(CSTD) $(WARN) -O2 -g -ffreestanding -fno-builtin -nostdinc \
	-Icases/nolibc/include -Icases/nolibc -Ilib -fno-stack-protector -fno-pie -fno-pic \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
NOLIBC_NATIVE := $(shell uname -m)

define nolibc
$(B)/nolibc/$(1)/nolibc: $$(NOLIBC_DEPS)
	@mkdir -p $$(@D)
	$$(NOLIBC_CC_$(1)) $$(NOLIBC_CFLAGS) $$(NOLIBC_FLAGS_$(1)) \
		-isystem $$(shell $$(NOLIBC_CC_$(1)) $$(NOLIBC_FLAGS_$(1)) -print-file-name=include) \
		-nostdlib -static -no-pie -o $$@ $$(NOLIBC_SRCS) -lgcc
endef
$(foreach a,$(NOLIBC_ARCHES) loongarch64,$(eval $(call nolibc,$(a))))

nolibc-all: $(NOLIBC_ARCHES:%=$(B)/nolibc/%/nolibc)

# the same programs as cases, where the runner looks for them
$(B)/cases/nolibc: $(B)/nolibc/$(NOLIBC_NATIVE)/nolibc
	@mkdir -p $(@D)
	cp $< $@
$(B)/cases/nolibc-%: $(B)/nolibc/%/nolibc
	@mkdir -p $(@D)
	cp $< $@
$(B)/static-x86_64/cases/nolibc-%: $(B)/nolibc/%/nolibc
	@mkdir -p $(@D)
	cp $< $@
# Its fakes (fixtures/nolibc): vDSO images laid out as the kernel's (one
# PT_LOAD at 0, no relocations), each linked into a copy of the program,
# $(B)/nolibc/fakes/nolibc-FAKE[-i386], for the ABIs this machine runs.
NOLIBC_FAKES := $(patsubst fixtures/nolibc/%.c,%,$(wildcard fixtures/nolibc/*.c))
NOLIBC_FAKE_ABIS := x86_64 $(if $(HAVE_M32),i386)
NOLIBC_FAKE_SUFFIX_x86_64 :=
NOLIBC_FAKE_SUFFIX_i386 := -i386
NOLIBC_IMAGE_FLAGS := $(CSTD) $(WARN) -O2 -ffreestanding -fno-builtin -nostdinc -Icases/nolibc/include \
	-Icases/nolibc -fPIC -fno-stack-protector -fno-asynchronous-unwind-tables -fvisibility=hidden \
	-shared -nostdlib -Wl,-T,fixtures/nolibc/image.lds -Wl,--version-script=fixtures/nolibc/image.map \
	-Wl,--hash-style=both -Wl,-soname=linux-vdso.so.1 -Wl,--build-id=none
NOLIBC_IMAGE_DEPS := fixtures/nolibc/fake.h fixtures/nolibc/image.lds fixtures/nolibc/image.map \
	$(wildcard cases/nolibc/*.h cases/nolibc/include/*.h)

define nolibc_fake
$(B)/nolibc/fakes/$(1)$(NOLIBC_FAKE_SUFFIX_$(2)).so: fixtures/nolibc/$(1).c $$(NOLIBC_IMAGE_DEPS)
	@mkdir -p $$(@D)
	$$(NOLIBC_CC_$(2)) $$(NOLIBC_IMAGE_FLAGS) $$(NOLIBC_FLAGS_$(2)) \
		-isystem $$(shell $$(NOLIBC_CC_$(2)) $$(NOLIBC_FLAGS_$(2)) -print-file-name=include) -o $$@ $$<

$(B)/nolibc/fakes/nolibc-$(1)$(NOLIBC_FAKE_SUFFIX_$(2)): $(B)/nolibc/fakes/$(1)$(NOLIBC_FAKE_SUFFIX_$(2)).so fixtures/nolibc/embed.S $$(NOLIBC_DEPS)
	$$(NOLIBC_CC_$(2)) $$(NOLIBC_CFLAGS) $$(NOLIBC_FLAGS_$(2)) \
		-isystem $$(shell $$(NOLIBC_CC_$(2)) $$(NOLIBC_FLAGS_$(2)) -print-file-name=include) \
		-nostdlib -static -no-pie -o $$@ $$(NOLIBC_SRCS) fixtures/nolibc/embed.S \
		-DFAKE_IMAGE='"$$<"' -lgcc
endef
$(foreach f,$(NOLIBC_FAKES),$(foreach a,$(NOLIBC_FAKE_ABIS),$(eval $(call nolibc_fake,$(f),$(a)))))
nolibc-fakes: $(foreach a,$(NOLIBC_FAKE_ABIS),$(NOLIBC_FAKES:%=$(B)/nolibc/fakes/nolibc-%$(NOLIBC_FAKE_SUFFIX_$(a))))

NOLIBC_CASES := $(B)/cases/nolibc $(if $(HAVE_M32),$(B)/cases/nolibc-i386) $(if $(HAVE_MX32),$(B)/cases/nolibc-x32)
all: $(NOLIBC_CASES)

# tool(CONFIG, OUT, FLAGS): vdsotool linked from one build's libraries
define tool
$(2): $(B)/$(1)/obj/lib/vdsotool/main.o $(B)/$(1)/libvdsotool.a $(B)/$(1)/libexpect.a $(B)/$(1)/libvdso.a
	$$(CC) $$(CFLAGS) $(3) $$(LDFLAGS) -o $$@ $$^ -ldl $$(TOOL_LIBS)
endef
$(eval $(call tool,native,$(B)/vdsotool,))
$(eval $(call tool,asan,$(B)/asan/vdsotool,$(SAN)))

asan: $(B)/asan/vdsotool

# vdsodump-i386, vdsodump-x32: `vdsotool dump` alone (main.c built with
# VDSOTOOL_DUMP_ONLY) for the compat ABIs, whose compression libraries the
# whole tool would need: the live vDSO of a compat process, for the
# matrix's lint of every image a kernel maps
define dumper
$(B)/$(1)/obj/lib/vdsotool/main-dump.o: lib/vdsotool/main.c
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $(3) -DVDSOTOOL_DUMP_ONLY -c $$< -o $$@
$(2): $(B)/$(1)/obj/lib/vdsotool/main-dump.o $(B)/$(1)/libvdsotool.a $(B)/$(1)/libexpect.a $(B)/$(1)/libvdso.a
	$$(CC) $$(CFLAGS) $(3) $$(LDFLAGS) -o $$@ $$^ -ldl
endef
$(eval $(call dumper,m32,$(B)/vdsodump-i386,$(M32_FLAGS)))
$(eval $(call dumper,x32,$(B)/vdsodump-x32,$(X32_FLAGS)))
all: $(if $(HAVE_M32),$(B)/vdsodump-i386) $(if $(HAVE_MX32),$(B)/vdsodump-x32)

# --- fuzzing: libFuzzer over open + inspect + every lookup ------------------
FUZZ_LIBS := $(B)/fuzz/libvdsotool.a $(B)/fuzz/libexpect.a $(B)/fuzz/libvdso.a
$(B)/fuzz/fuzz_image: lib/fuzz/fuzz_image.c $(FUZZ_LIBS) $(HEADERS)
	$(CLANG) $(CSTD) $(WARN) -O1 -g -Ilib -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(FUZZ_LIBS) -ldl

FUZZ_TIME ?= 60
fuzz: $(B)/fuzz/fuzz_image fixtures
	@mkdir -p $(B)/fuzz/corpus
	cp -n $(B)/fixtures/valid/*.so $(B)/fuzz/corpus/ 2>/dev/null || true
	$(B)/fuzz/fuzz_image -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		-artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus

# --- fixtures: synthetic images, built at test time --------------------------
fixtures: $(B)/fixtures/.stamp
$(B)/fixtures/.stamp: fixtures/mkimages.py fixtures/mkmalformed.py
	$(PYTHON) fixtures/mkimages.py --out $(B)/fixtures/valid
	$(PYTHON) fixtures/mkmalformed.py --from $(B)/fixtures/valid --out $(B)/fixtures/malformed
	@touch $@

# lint fixtures: kernel-like clean images and one per lint rule
lint-fixtures: $(B)/fixtures/lint/.stamp
$(B)/fixtures/lint/.stamp: fixtures/mklint.py fixtures/mkimages.py fixtures/archspec.py fixtures/elfmodel.py
	$(PYTHON) fixtures/mklint.py --out $(B)/fixtures/lint
	@touch $@

# Debian 12's kernel packages of seven architectures (network; cached in
# ~/.cache/vdsoconf/distro): extract and lint their vDSOs
test-distro: all
	fixtures/distro/fetch --lint

# --- fake vDSO targets with known bugs ---------------------------------------
FAKE_SRCS := $(wildcard fixtures/fakes/*.c fixtures/fakes/*.h)
fakes: $(B)/fakes/manifest.json
$(B)/fakes/manifest.json: $(FAKE_SRCS) fixtures/fakes/mkfakes.py
	$(PYTHON) fixtures/fakes/mkfakes.py --out $(B)/fakes
# the fakes of a foreign ABI, for the cases of `make user-ARCH`
$(B)/fakes-%/manifest.json: $(FAKE_SRCS) fixtures/fakes/mkfakes.py
	$(PYTHON) fixtures/fakes/mkfakes.py --abi $* --out $(B)/fakes-$*

# --- the two commands --------------------------------------------------------
deps:
	@./install-deps build

deps-test:
	@./install-deps test

deps-deb:
	@./install-deps deb

# summary on the terminal; KTAP log, JUnit XML and JSON under $(B)/results
# deps first, then a fresh make: what can be built (-m32, -mx32) is decided
# when the Makefile is read, which must be after the install
run: deps
	$(MAKE) all
	$(PYTHON) runner/vdsoconf run --cases-dir $(B)/cases --junit $(B)/results/junit.xml \
		--json $(B)/results/report.json --ktap $(B)/results/ktap.log

run_tests: run

test: deps-test deps-qemu deps-lava
	$(MAKE) all asan fakes
	VDSOCONF_BUILD=$(abspath $(B)) VDSOCONF_REQUIRE_ASAN=1 $(PYTHON) -m pytest -p no:cacheprovider tests

# --- benchmark ---------------------------------------------------------------
BENCH_LIBS := $(B)/native/libvdsotool.a $(B)/native/libexpect.a $(B)/native/libvdso.a
$(B)/bench/bench_lookup: lib/bench/bench_lookup.c $(BENCH_LIBS) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(BENCH_LIBS) -ldl

$(B)/bench/bench_calls: lib/bench/bench_calls.c $(B)/native/libcase.a $(BENCH_LIBS) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(B)/native/libcase.a $(BENCH_LIBS) -ldl -lpthread

# lint per image, extract against plain decompression; the kernels are
# those fixtures/distro/fetch cached (a synthetic one when there are none)
DISTRO_CACHE ?= $(or $(VDSOCONF_CACHE),$(HOME)/.cache/vdsoconf)/distro
$(B)/bench/bench_distro: lib/bench/bench_distro.c $(BENCH_LIBS) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(BENCH_LIBS) -ldl $(TOOL_LIBS)

# the SVG plots (runner/plots) go into $(B)/bench: the latency
# distribution per clock always, boot to results when bench-kernels ran
bench: $(B)/bench/bench_lookup $(B)/bench/bench_calls $(B)/bench/bench_distro $(B)/cases/clock_gettime fixtures lint-fixtures
	$(B)/bench/bench_lookup $(B)/fixtures/valid/*.so
	$(B)/bench/bench_calls --samples $(B)/bench/latency.txt
	$(PYTHON) lib/bench/bench_floor.py $(B)/bench/bench_calls $(B)/cases/clock_gettime
	$(B)/bench/bench_distro --lint $(B)/fixtures/lint/*.so --extract $(wildcard $(DISTRO_CACHE)/*/vmlinu[xz]-*)
	-$(MAKE) -s bench-kernels
	$(PYTHON) -m runner.plots --out $(B)/bench --latency $(B)/bench/latency.txt \
		--boot $(B)/results/bench-kernels/matrix.json

# --- other kernels under QEMU (vdsoconf run --kernel, vdsoconf matrix) -------
# guest-ARCH builds a static /init, the static cases and nolibc into
# $(B)/static-ARCH/.  x86_64 guests also get the i386 and x32 cases (static
# libc from libc6-dev-i386, libc6-dev-x32), aarch64 guests the 32-bit ARM
# ones as NAME-arm (they meet the compat vDSO where the kernel maps one).
# The cross compilers are Debian's gcc-TRIPLET with libc6-dev-ARCH-cross;
# Debian 12 has none for loongarch64, so guest-loongarch64 builds in a
# trixie chroot (fixtures/cross/loong64-chroot) unless the machine has one.
GUEST_NOLIBC_x86_64      := x86_64
GUEST_NOLIBC_aarch64     := aarch64
GUEST_NOLIBC_arm         := arm
GUEST_NOLIBC_i386        := i386
GUEST_NOLIBC_ppc64       := ppc64le
GUEST_NOLIBC_s390x       := s390x
GUEST_NOLIBC_riscv64     := riscv64
GUEST_NOLIBC_mips64el    := mips64el
GUEST_NOLIBC_loongarch64 := loongarch64
guest_files = $(B)/static-$(1)/init $(CASE_NAMES:%=$(B)/static-$(1)/cases/%) $(B)/static-$(1)/cases/nolibc
GUEST_EXTRA_x86_64 := \
	$(if $(HAVE_M32),$(CASE_NAMES:%=$(B)/static-x86_64/cases/%-i386) $(B)/static-x86_64/cases/nolibc-i386) \
	$(if $(HAVE_MX32),$(CASE_NAMES:%=$(B)/static-x86_64/cases/%-x32) $(B)/static-x86_64/cases/nolibc-x32)
GUEST_EXTRA_aarch64 := $(CASE_NAMES:%=$(B)/static-aarch64/cases/%-arm) $(B)/static-aarch64/cases/nolibc-arm

define guest
$(B)/static-$(1)/init: runner/guest/init.c
	@mkdir -p $$(@D)
	$$(GUEST_CC_$(1)) $$(CSTD) $$(WARN) -O2 -static -o $$@ $$<

$(B)/static-$(1)/cases/nolibc: $(B)/nolibc/$(GUEST_NOLIBC_$(1))/nolibc
	@mkdir -p $$(@D)
	cp $$< $$@
endef
$(foreach a,$(GUEST_ARCHES),$(eval $(call guest,$(a))))
$(foreach a,$(filter-out loongarch64,$(GUEST_ARCHES)),\
	$(eval guest-$(a): $(call guest_files,$(a)) $$(GUEST_EXTRA_$(a))))

$(B)/static-aarch64/cases/%-arm: $(B)/static-arm/cases/%
	@mkdir -p $(@D)
	cp $< $@

# loongarch64: here when the compiler is, else the same target in the chroot
# (made once; it needs root and the network, and says so when it cannot)
ifneq ($(HAVE_LOONG64_CC),)
guest-loongarch64: $(call guest_files,loongarch64)
else
guest-loongarch64:
	+fixtures/cross/loong64-chroot -b $(abspath $(B)) $(MAKE) -C $(CURDIR) B=$(abspath $(B)) guest-loongarch64
endif

# the 32-bit ARM cases alone, to carry to a board by hand
cross-armhf: guest-arm

# test-cross (not part of make test): the cases of arm, riscv64 and
# loongarch64, linked dynamically, run against each one's faithful fake
# vDSO under QEMU's user mode, whose own vDSO the fake forwards to
# (fixtures/cross/testcross.py).  QEMU comes from QEMU_USER_DIR, else from
# fixtures/kernels/fetch-qemu-user (network on first use).  loongarch64
# builds in its chroot where this machine has no compiler for it.
CROSS_TEST_ARCHES := arm riscv64 loongarch64
LOONG64_ROOT := $(or $(VDSOCONF_CACHE),$(HOME)/.cache/vdsoconf)/loong64-chroot
CROSS_SYSROOT_arm := /usr/arm-linux-gnueabihf
CROSS_SYSROOT_riscv64 := /usr/riscv64-linux-gnu
CROSS_SYSROOT_loongarch64 := $(if $(HAVE_LOONG64_CC),,$(LOONG64_ROOT))/usr/loongarch64-linux-gnu
CROSS_FAKE_CC_arm := $(GUEST_CC_arm)
CROSS_FAKE_CC_riscv64 := $(GUEST_CC_riscv64)
CROSS_FAKE_CC_loongarch64 := $(if $(HAVE_LOONG64_CC),$(GUEST_CC_loongarch64),LOONG64_BIND=$(abspath $(B)) fixtures/cross/loong64-gcc)
$(foreach a,$(CROSS_TEST_ARCHES),\
	$(eval $(call abi,cross-$(a),$(GUEST_CC_$(a)),,$(B)/cross-$(a)/cases,,)))
$(foreach a,$(CROSS_TEST_ARCHES),\
	$(eval $(B)/cross-$(a)/%.a: AR := $(patsubst %gcc,%ar,$(GUEST_CC_$(a)))))
cross-cases-%:
	$(MAKE) $(CASE_NAMES:%=$(B)/cross-$*/cases/%)

define test_cross
test-cross-$(1): $(if $(or $(filter-out loongarch64,$(1)),$(HAVE_LOONG64_CC)),cross-cases-$(1))
	$(if $(or $(filter-out loongarch64,$(1)),$(HAVE_LOONG64_CC)),,+fixtures/cross/loong64-chroot -b $(abspath $(B)) \
		$(MAKE) -C $(CURDIR) B=$(abspath $(B)) cross-cases-$(1))
	q=$$$${QEMU_USER_DIR:-$$$$(fixtures/kernels/fetch-qemu-user)} && \
	$(CROSS_FAKE_CC_$(1):%gcc=) $(PYTHON) fixtures/cross/testcross.py --build $(B) --arch $(1) \
		--cc $(lastword $(CROSS_FAKE_CC_$(1))) --sysroot $(CROSS_SYSROOT_$(1)) --qemu $$$$q/qemu-$(1)
endef
$(foreach a,$(CROSS_TEST_ARCHES),$(eval $(call test_cross,$(a))))
test-cross: $(CROSS_TEST_ARCHES:%=test-cross-%)

# QEMU is optional for `make test`: without it the QEMU tests skip, saying so
deps-qemu:
	@./install-deps qemu || echo "install-deps: no QEMU; the tests that boot kernels will skip" >&2

# Debian kernels fixtures/kernels/fetch knows, and this machine's; with
# QEMU 10 from bookworm-backports when it can be had, as Debian 12's 7.2
# crashes the 6.12 kernel at random under TCG and has no loongarch64 CPU
# Debian's kernel runs on (fixtures/kernels/fetch-qemu).  KERNELS: the
# newest kernel of each architecture, sid's, bookworm's where Debian
# builds no newer one (i386, mips64el).  test-kernels then checks that the
# suite really ran in each guest (runner/matrix/verify.py: points passed,
# the guest's release is the image's, no case built for it is missing),
# and fails on a failed point as the matrix does.
KERNELS ?= sid-amd64 sid-arm64 sid-armhf bookworm-i386 sid-ppc64el sid-s390x \
	sid-riscv64 sid-loong64 bookworm-mips64el
WITH_QEMU = VDSOCONF_QEMU_DIR=$$(fixtures/kernels/fetch-qemu 2>/dev/null)
test-kernels: deps-qemu all
	$(WITH_QEMU) $(PYTHON) runner/vdsoconf matrix --host $(KERNELS:%=--kernel %) \
		--json $(B)/results/matrix.json; status=$$?; \
	$(PYTHON) -m runner.matrix.verify $(B)/results/matrix.json && exit $$status

# seconds from QEMU start to /init, to the last result, and to QEMU's end,
# of each guest alone on the machine (-j 1): two at a time share the CPUs,
# and a guest's time then depends on which other one it met (the default
# matrix, two at a time, is timed as a whole: README.md)
bench-kernels: deps-qemu
	$(WITH_QEMU) $(PYTHON) runner/vdsoconf matrix --bench -j 1 $(KERNELS:%=--kernel %) \
		--out $(B)/results/bench-kernels --json $(B)/results/bench-kernels/matrix.json

# --- LAVA ---------------------------------------------------------------------
# optional for `make test`: without lava-dispatcher its job checks skip
deps-lava:
	@./install-deps lava || echo "install-deps: no lava-dispatcher; the LAVA job checks will skip" >&2

# the suite as a LAVA job under Debian's lava-run, no server: one QEMU boot
# of LAVA_KERNEL; fails when a point is missing from LAVA's results or failed
LAVA_KERNEL ?= 6.1-amd64
LAVA_ARCH   ?= amd64
test-lava: deps-lava deps-qemu
	$(PYTHON) lava/test-lava --kernel $(LAVA_KERNEL) --arch $(LAVA_ARCH) --out $(abspath $(B))/lava/test

# --- install, kselftest style ------------------------------------------------
# INSTALL_PATH/vdsoconf is a kselftest collection (ktap-to-lava.sh beside
# run_vdsoconf.sh turns its output into LAVA test cases: lava/vdsoconf.yaml): the kernel's own
# run_kselftest.sh runs it (-c vdsoconf, -t vdsoconf:CASE) from
# kselftest-list.txt, and INSTALL_PATH/run_vdsoconf.sh from
# vdsoconf-list.txt, which the kernel's `make install` (it rewrites
# kselftest-list.txt from its own targets) leaves alone.  Both take the
# per-case timeout from vdsoconf/settings.  INSTALL_PATH may already hold
# the kernel's selftests: their lines in kselftest-list.txt are kept.
INSTALL_PATH ?= $(B)/install
KSFT_TIMEOUT ?= 120
install: all
	install -d $(INSTALL_PATH)/vdsoconf
	install -m 755 $(CASES) $(B)/vdsotool $(INSTALL_PATH)/vdsoconf/
	install -m 755 runner/run_vdsoconf.sh lava/ktap-to-lava.sh $(INSTALL_PATH)/
	printf 'timeout=%s\n' $(KSFT_TIMEOUT) > $(INSTALL_PATH)/vdsoconf/settings
	printf 'vdsoconf:%s\n' $(notdir $(CASES)) > $(INSTALL_PATH)/vdsoconf-list.txt
	{ grep -v '^vdsoconf:' $(INSTALL_PATH)/kselftest-list.txt 2>/dev/null; \
	  cat $(INSTALL_PATH)/vdsoconf-list.txt; } > $(INSTALL_PATH)/kselftest-list.txt.new
	mv $(INSTALL_PATH)/kselftest-list.txt.new $(INSTALL_PATH)/kselftest-list.txt

# --- the resolver as a shared library ----------------------------------------
# libvdso.so.1: the soname's 1 changes only when the ABI breaks; its exports
# are the functions vdso.h declares, under the version node LIBVDSO_1
# (lib/vdso/libvdso.map).  The version of the whole suite is the Debian
# changelog's.
VERSION  := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog 2>/dev/null)
SONAME   := libvdso.so.1
SHLIB    := $(B)/pic/$(SONAME).0.0
shlib: $(SHLIB)
$(SHLIB): $(VDSO_SRCS:%.c=$(B)/pic/obj/%.o) lib/vdso/libvdso.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=lib/vdso/libvdso.map -Wl,--no-undefined \
		-o $@ $(filter %.o,$^)
	ln -sf $(notdir $@) $(B)/pic/$(SONAME)
	ln -sf $(SONAME) $(B)/pic/libvdso.so

# the resolver for other programs: LIBDIR/libvdso.a, libvdso.so.1 and its
# development link, LIBDIR/pkgconfig/vdso.pc, PREFIX/include/vdsoconf/vdso.h
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
install-lib: $(B)/native/libvdso.a $(SHLIB)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include/vdsoconf
	install -m 644 $(B)/native/libvdso.a $(DESTDIR)$(LIBDIR)/
	install -m 644 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libvdso.so
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@VERSION@|$(VERSION)|' \
		lib/vdso/vdso.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/vdso.pc
	install -m 644 lib/vdso/vdso.h $(DESTDIR)$(PREFIX)/include/vdsoconf/

# --- the suite installed as a command -----------------------------------------
# PREFIX/bin/vdsoconf and vdsotool, the cases in PREFIX/lib/vdsoconf, the
# runner in PREFIX/share/vdsoconf (runner/paths.py finds them all from
# there) and the manual pages, written from the commands' --help
MAN_PAGES := $(B)/man/vdsoconf.1 $(B)/man/vdsotool.1
man: $(MAN_PAGES)
$(B)/man/vdsoconf.1: man/mkman.py $(shell find runner -name '*.py') debian/changelog
	@mkdir -p $(@D)
	VDSOCONF_PREFIX=/usr $(PYTHON) man/mkman.py --what "Linux vDSO conformance suite" \
		--version "$(VERSION)" --see-also vdsotool -o $@ -- $(PYTHON) runner/vdsoconf
$(B)/man/vdsotool.1: man/mkman.py $(B)/vdsotool debian/changelog
	@mkdir -p $(@D)
	$(PYTHON) man/mkman.py --what "inspect, extract, lint and compare vDSO images" \
		--version "$(VERSION)" --see-also vdsoconf -o $@ -- $(B)/vdsotool

install-bin: all man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/vdsoconf \
		$(DESTDIR)$(PREFIX)/share/vdsoconf $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(CASES) $(CASES_M32) $(CASES_X32) $(NOLIBC_CASES) $(DESTDIR)$(PREFIX)/lib/vdsoconf/
	install -m 755 $(B)/vdsotool runner/vdsoconf $(DESTDIR)$(PREFIX)/bin/
	cd runner && find . -name '*.py' -exec install -D -m 644 {} \
		$(abspath $(DESTDIR)$(PREFIX))/share/vdsoconf/runner/{} \;
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man1/

# --- the Debian packages -----------------------------------------------------
# vdsoconf, libvdso1 and libvdso-dev built from a copy of this tree (so
# the build's own clean and debian/ files never touch the checkout), then
# lintian (any error fails), then the packages unpacked into a scratch root
# and the suite run from there with its reports in $(DEB_DIR)/results.
DEB_DIR := $(abspath $(B))/deb
test-deb: deps-deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src $(DEB_DIR)/root
	tar -cf - --exclude=./.git --exclude=./$(B) --exclude=__pycache__ . | tar -xf - -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info $(DEB_DIR)/vdsoconf_*.changes
	for p in vdsoconf libvdso1 libvdso-dev; do dpkg-deb -x $(DEB_DIR)/$${p}_*.deb $(DEB_DIR)/root || exit 1; done
	cd $(DEB_DIR) && root/usr/bin/vdsoconf run --results $(DEB_DIR)/results

clean:
	rm -rf $(B)

-include $(DEPFILES)
