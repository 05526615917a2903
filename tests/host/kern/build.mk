# Host unit tests of kernel parts that need no machine.
HOST_CFLAGS_tests/host/kern/ := -Ikern
$(eval $(call host_test,pmm,tests/host/kern/pmm_test.c kern/pmm.c))
$(eval $(call host_test,slab,tests/host/kern/slab_test.c kern/slab.c))
