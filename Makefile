# vdsoconf: a Linux vDSO conformance suite.  Everything builds into build/.
# `make run` checks the running kernel; `make test` checks the suite itself.

B        ?= build
CC       ?= cc
PYTHON   ?= /usr/bin/python3
CLANG    ?= clang-14
KSFT_DIR ?=

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes
CSTD     := -std=c11 -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Ilib -MMD -MP
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRCS  := $(wildcard lib/vdso_*.c)
CASELIB_SRCS := $(wildcard lib/case_*.c)
TOOL_SRCS := $(wildcard lib/vdsotool/*.c)
CASE_SRCS := $(wildcard cases/*.c)
CASES     := $(CASE_SRCS:cases/%.c=$(B)/cases/%)

# The same cases as 32-bit i386 programs (linux-gate.so.1, clock_gettime64,
# __kernel_vsyscall), where the compiler can link -m32 (Debian's
# libc6-dev-i386 and lib32gcc-12-dev; gcc-multilib itself is not needed).
# Debian keeps the bi-arch <asm/*.h> only under the 64-bit multiarch
# directory (gcc-multilib would add a link to it): search it last.
M32_FLAGS := -m32 -idirafter /usr/include/$(shell $(CC) -print-multiarch 2>/dev/null)
HAVE_M32  := $(shell echo 'int main(void){return 0;}' | $(CC) -m32 -x c - -o /dev/null 2>/dev/null && echo y)
CASES_M32 := $(if $(HAVE_M32),$(CASE_SRCS:cases/%.c=$(B)/cases/%-i386))
# and as x32 programs (libc6-dev-x32); a kernel without CONFIG_X86_X32_ABI
# refuses to execute them, which the runner reports as a skip with that reason
HAVE_MX32 := $(shell echo 'int main(void){return 0;}' | $(CC) -mx32 -x c - -o /dev/null 2>/dev/null && echo y)
CASES_X32 := $(if $(HAVE_MX32),$(CASE_SRCS:cases/%.c=$(B)/cases/%-x32))

LIB_OBJS      := $(LIB_SRCS:%.c=$(B)/obj/%.o)
CASELIB_OBJS  := $(CASELIB_SRCS:%.c=$(B)/obj/%.o)
TOOL_OBJS     := $(TOOL_SRCS:%.c=$(B)/obj/%.o)
ASAN_LIB_OBJS := $(LIB_SRCS:%.c=$(B)/asan/obj/%.o)
ASAN_TOOL_OBJS:= $(TOOL_SRCS:%.c=$(B)/asan/obj/%.o)

.PHONY: all asan run test bench fuzz fixtures fakes install install-lib run_tests clean deps deps-test

all: $(B)/libvdso.a $(B)/vdsotool $(CASES) $(CASES_M32) $(CASES_X32)

# -fPIC: fake targets link the library into shared objects
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(B)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -c $< -o $@

$(B)/libvdso.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/libcase.a: $(CASELIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Cases see KSFT_DIR first, so that they build against the kernel's own
# kselftest.h when it is given.
CASE_INC := $(if $(KSFT_DIR),-I$(KSFT_DIR)) -Ilib
$(B)/cases/%: cases/%.c $(B)/libcase.a $(B)/libvdso.a $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(CASE_INC) -o $@ $< $(B)/libcase.a $(B)/libvdso.a -ldl -lpthread

# abi_cases(DIR, SUFFIX, FLAGS): libvdso, libcase and every case built
# with other compiler flags into $(B)/DIR, cases named NAME-SUFFIX
define abi_cases
$(B)/$(1)/obj/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $(3) -c $$< -o $$@

$(B)/$(1)/libvdso.a: $$(LIB_SRCS:%.c=$(B)/$(1)/obj/%.o)
	@rm -f $$@
	$$(AR) rcs $$@ $$^

$(B)/$(1)/libcase.a: $$(CASELIB_SRCS:%.c=$(B)/$(1)/obj/%.o)
	@rm -f $$@
	$$(AR) rcs $$@ $$^

$(B)/cases/%-$(2): cases/%.c $(B)/$(1)/libcase.a $(B)/$(1)/libvdso.a $$(wildcard lib/*.h)
	@mkdir -p $$(@D)
	$$(CC) $$(CSTD) $$(WARN) $$(CFLAGS) $(3) $$(CASE_INC) -o $$@ $$< $(B)/$(1)/libcase.a $(B)/$(1)/libvdso.a -ldl -lpthread
endef

X32_FLAGS := -mx32 -idirafter /usr/include/$(shell $(CC) -print-multiarch 2>/dev/null)
$(eval $(call abi_cases,m32,i386,$(M32_FLAGS)))
$(eval $(call abi_cases,x32,x32,$(X32_FLAGS)))

$(B)/asan/libvdso.a: $(ASAN_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# extract decodes kernel payloads with Debian's compression libraries;
# only the tool links them, libvdso stays dependency-free
TOOL_LIBS := -lz -llzma -lbz2 -lzstd -llz4

$(B)/vdsotool: $(TOOL_OBJS) $(B)/libvdso.a
	$(CC) $(CFLAGS) -o $@ $(TOOL_OBJS) $(B)/libvdso.a -ldl $(TOOL_LIBS)

$(B)/asan/vdsotool: $(ASAN_TOOL_OBJS) $(B)/asan/libvdso.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $(ASAN_TOOL_OBJS) $(B)/asan/libvdso.a -ldl $(TOOL_LIBS)

asan: $(B)/asan/vdsotool

# --- fuzzing: libFuzzer over open + inspect + every lookup ---------------
FUZZ_SRCS := lib/fuzz/fuzz_image.c lib/vdsotool/inspect.c lib/vdsotool/common.c $(LIB_SRCS)
$(B)/fuzz/fuzz_image: $(FUZZ_SRCS) $(wildcard lib/*.h lib/vdsotool/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(CSTD) $(WARN) -O1 -g -Ilib -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $(FUZZ_SRCS) -ldl

FUZZ_TIME ?= 60
fuzz: $(B)/fuzz/fuzz_image fixtures
	@mkdir -p $(B)/fuzz/corpus
	cp -n $(B)/fixtures/valid/*.so $(B)/fuzz/corpus/ 2>/dev/null || true
	$(B)/fuzz/fuzz_image -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		-artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus

# --- fixtures: synthetic images, built at test time -----------------------
fixtures: $(B)/fixtures/.stamp
$(B)/fixtures/.stamp: fixtures/mkimages.py fixtures/mkmalformed.py
	$(PYTHON) fixtures/mkimages.py --out $(B)/fixtures/valid
	$(PYTHON) fixtures/mkmalformed.py --from $(B)/fixtures/valid --out $(B)/fixtures/malformed
	@touch $@

# lint fixtures: kernel-like clean images and one per lint rule
.PHONY: lint-fixtures test-distro
lint-fixtures: $(B)/fixtures/lint/.stamp
$(B)/fixtures/lint/.stamp: fixtures/mklint.py fixtures/mkimages.py fixtures/archspec.py fixtures/elfmodel.py
	$(PYTHON) fixtures/mklint.py --out $(B)/fixtures/lint
	@touch $@

# Debian 12's kernel packages of seven architectures (network; cached in
# ~/.cache/vdsoconf/distro): extract and lint their vDSOs
test-distro: all
	fixtures/distro/fetch --lint

# --- fake vDSO targets with known bugs -------------------------------------
FAKE_SRCS := $(wildcard fixtures/fakes/*.c fixtures/fakes/*.h)
fakes: $(B)/fakes/manifest.json
$(B)/fakes/manifest.json: $(FAKE_SRCS) fixtures/fakes/mkfakes.py
	$(PYTHON) fixtures/fakes/mkfakes.py --out $(B)/fakes

# --- the two commands ------------------------------------------------------
deps:
	@./install-deps build

deps-test:
	@./install-deps test

# summary on the terminal; KTAP log, JUnit XML and JSON under $(B)/results
# deps first, then a fresh make: what can be built (-m32, -mx32) is decided
# when the Makefile is read, which must be after the install
run: deps
	$(MAKE) all
	$(PYTHON) runner/vdsoconf run --cases-dir $(B)/cases --junit $(B)/results/junit.xml \
		--json $(B)/results/report.json --ktap $(B)/results/ktap.log

test: deps-test deps-qemu
	$(MAKE) all asan fakes
	VDSOCONF_BUILD=$(abspath $(B)) VDSOCONF_REQUIRE_ASAN=1 $(PYTHON) -m pytest -p no:cacheprovider tests

# --- benchmark -------------------------------------------------------------
BENCH_SRCS := lib/bench/bench_lookup.c lib/vdsotool/inspect.c lib/vdsotool/common.c
$(B)/bench/bench_lookup: $(BENCH_SRCS) $(B)/libvdso.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $(BENCH_SRCS) $(B)/libvdso.a -ldl

$(B)/bench/bench_calls: lib/bench/bench_calls.c $(B)/libcase.a $(B)/libvdso.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(B)/libcase.a $(B)/libvdso.a -ldl -lpthread

# lint per image, extract against plain decompression; the kernels are
# those fixtures/distro/fetch cached (a synthetic one when there are none)
DISTRO_CACHE ?= $(or $(VDSOCONF_CACHE),$(HOME)/.cache/vdsoconf)/distro
BENCH_TOOL_OBJS = $(filter-out %/vdsotool/main.o,$(TOOL_OBJS))
$(B)/bench/bench_distro: lib/bench/bench_distro.c $(BENCH_TOOL_OBJS) $(B)/libvdso.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(BENCH_TOOL_OBJS) $(B)/libvdso.a -ldl $(TOOL_LIBS)

bench: $(B)/bench/bench_lookup $(B)/bench/bench_calls $(B)/bench/bench_distro fixtures lint-fixtures
	$(B)/bench/bench_lookup $(B)/fixtures/valid/*.so
	$(B)/bench/bench_calls
	$(B)/bench/bench_distro --lint $(B)/fixtures/lint/*.so --extract $(wildcard $(DISTRO_CACHE)/*/vmlinu[xz]-*)
	-$(MAKE) -s bench-kernels

# --- other kernels under QEMU (vdsoconf run --kernel, vdsoconf matrix) -----
# The guest's initramfs has no libc, so its /init and cases are static:
# guest-ARCH builds them into $(B)/static-ARCH.  x86_64 guests also get the
# i386 and x32 cases (static libc from libc6-dev-i386, libc6-dev-x32);
# aarch64 needs gcc-aarch64-linux-gnu and libc6-dev-arm64-cross.
AARCH64_CC ?= aarch64-linux-gnu-gcc

# static_cases(OBJDIR, CC, FLAGS, ARCH, SUFFIX): libvdso, libcase and every
# case linked -static into $(B)/static-ARCH/cases/NAME-SUFFIX.  glibc warns
# that a static dlopen needs its shared libraries at run time; the cases
# only dlopen fake targets, which a guest has none of.  The filter hides
# the compiler's exit status, so the new program's existence is the test.
define static_cases
$(B)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$(2) $$(ALL_CFLAGS) $(3) -c $$< -o $$@

$(B)/$(1)/libvdso.a: $$(LIB_SRCS:%.c=$(B)/$(1)/%.o)
	@rm -f $$@
	$$(AR) rcs $$@ $$^

$(B)/$(1)/libcase.a: $$(CASELIB_SRCS:%.c=$(B)/$(1)/%.o)
	@rm -f $$@
	$$(AR) rcs $$@ $$^

$(B)/static-$(4)/cases/%$(5): cases/%.c $(B)/$(1)/libcase.a $(B)/$(1)/libvdso.a $$(wildcard lib/*.h)
	@mkdir -p $$(@D)
	@rm -f $$@
	$(2) $$(CSTD) $$(WARN) $$(CFLAGS) $(3) $$(CASE_INC) -static -o $$@ $$< \
		$(B)/$(1)/libcase.a $(B)/$(1)/libvdso.a -ldl -lpthread 2>&1 | \
		{ grep -v -e "Using 'dlopen' in statically linked" -e ": in function" >&2 || true; }
	@test -x $$@
endef

$(eval $(call static_cases,static-x86_64/obj,$(CC),,x86_64,))
$(eval $(call static_cases,static-x86_64/obj-i386,$(CC),$(M32_FLAGS),x86_64,-i386))
$(eval $(call static_cases,static-x86_64/obj-x32,$(CC),$(X32_FLAGS),x86_64,-x32))
$(eval $(call static_cases,static-aarch64/obj,$(AARCH64_CC),,aarch64,))

$(B)/static-x86_64/init: runner/guest/init.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -static -o $@ $<

$(B)/static-aarch64/init: runner/guest/init.c
	@mkdir -p $(@D)
	$(AARCH64_CC) $(CSTD) $(WARN) -O2 -static -o $@ $<

GUEST_x86_64  := $(CASE_SRCS:cases/%.c=$(B)/static-x86_64/cases/%) \
	$(if $(HAVE_M32),$(CASE_SRCS:cases/%.c=$(B)/static-x86_64/cases/%-i386)) \
	$(if $(HAVE_MX32),$(CASE_SRCS:cases/%.c=$(B)/static-x86_64/cases/%-x32))
GUEST_aarch64 := $(CASE_SRCS:cases/%.c=$(B)/static-aarch64/cases/%)

.PHONY: guest-x86_64 guest-aarch64 deps-qemu test-kernels bench-kernels
guest-x86_64: $(B)/static-x86_64/init $(GUEST_x86_64)
guest-aarch64: $(B)/static-aarch64/init $(GUEST_aarch64)

# QEMU is optional for `make test`: without it the QEMU tests skip, saying so
deps-qemu:
	@./install-deps qemu || echo "install-deps: no QEMU; the tests that boot kernels will skip" >&2

# every Debian kernel fixtures/kernels/fetch knows, and this machine's; with
# QEMU 10 from bookworm-backports when it can be had, as Debian 12's 7.2
# crashes the 6.12 kernel at random under TCG (fixtures/kernels/fetch-qemu)
KERNELS ?= 6.1-amd64 6.12-amd64 6.1-arm64
WITH_QEMU = VDSOCONF_QEMU_DIR=$$(fixtures/kernels/fetch-qemu 2>/dev/null)
test-kernels: deps-qemu all
	$(WITH_QEMU) $(PYTHON) runner/vdsoconf matrix --host $(KERNELS:%=--kernel %) \
		--json $(B)/results/matrix.json

# seconds from QEMU start to /init, to the last result, and to QEMU's end
bench-kernels: deps-qemu
	$(WITH_QEMU) $(PYTHON) runner/vdsoconf matrix --bench $(KERNELS:%=--kernel %) \
		--out $(B)/results/bench-kernels

# --- install, kselftest style ---------------------------------------------
# INSTALL_PATH/run_vdsoconf.sh runs INSTALL_PATH/vdsoconf/<case> as the
# kernel's run_kselftest.sh runs its collections.
INSTALL_PATH ?= $(B)/install
install: all
	install -d $(INSTALL_PATH)/vdsoconf
	install -m 755 $(CASES) $(B)/vdsotool $(INSTALL_PATH)/vdsoconf/
	install -m 755 runner/run_vdsoconf.sh $(INSTALL_PATH)/
	printf 'vdsoconf:%s\n' $(notdir $(CASES)) > $(INSTALL_PATH)/vdsoconf-list.txt

# the library for other programs: PREFIX/lib/libvdso.a, PREFIX/include/
PREFIX ?= /usr/local
install-lib: $(B)/libvdso.a
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/vdsoconf
	install -m 644 $(B)/libvdso.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 lib/vdso.h lib/vdso_arch.h $(DESTDIR)$(PREFIX)/include/vdsoconf/

run_tests: run

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
