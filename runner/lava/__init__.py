"""The suite under LAVA: a ramdisk with the installed suite, and the job."""
