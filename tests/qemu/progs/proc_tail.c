/*
 * proc_tail.c - data linked after the libraries into proc_tail, which is
 * proc_child with it (tests/qemu/build.mk): the last pages of the
 * program's data are these, so the data start-up writes before its region
 * mapper runs (libsys's slot bitmap, librt's UTCB allocator, normally
 * the last page, which the process server maps at the start) lies pages
 * before the end: its first write is an exception the process server
 * serves from the program's data mapping (srv/proc/pages.c,
 * pages_fault; docs/processes.md, "Starting").
 */
volatile unsigned char proc_tail_data[3 * 4096] = { 1 };
