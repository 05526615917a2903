/*
 * bootstrap.h - starting the boot programs.  Each boot module that is a
 * static ELF executable runs as a program of its own, in its own address
 * space and in ring 3, one after another in module order; when the last
 * has ended the kernel halts.  Each gets the capabilities of
 * include/mica/boot.h; everything it made goes when it ends.
 *
 * With the word `root` on the kernel command line only the first module
 * runs, as the root task (srv/root): its factory gets all the kernel memory
 * but a little, and the other modules are its boot files (rom/).
 */
#ifndef KERN_BOOTSTRAP_H
#define KERN_BOOTSTRAP_H

/* Run every boot program to its end.  Returns the number that failed to
 * load or ended other than with exit status 0. */
int bootstrap_run_all(void);

#endif
