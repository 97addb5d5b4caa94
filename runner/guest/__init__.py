"""The suite inside another kernel: QEMU, the guest's /init (init.c), its console."""
