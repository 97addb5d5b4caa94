"""`vdsoconf matrix`: the suite on several kernels under QEMU, one table."""
