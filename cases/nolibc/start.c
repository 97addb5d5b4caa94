/* SPDX-License-Identifier: MIT */
/* The entry point: arch.h's _start for this architecture, once. */
#define NOLIBC_START
#include "arch.h"
