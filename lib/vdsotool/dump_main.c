/* SPDX-License-Identifier: MIT */
/* vdsodump: `vdsotool dump` alone, built for the compat ABIs (i386, x32)
 * so that the vDSO the kernel maps into those processes can be written
 * out and read by the 64-bit tool; the whole tool would need the
 * compression libraries for those ABIs too. */
#include "tool.h"

int main(int argc, char **argv)
{
	return cmd_dump(argc, argv);
}
