"""`vdsoconf lint`: the vDSOs of kernel images and image files, linted by vdsotool."""
